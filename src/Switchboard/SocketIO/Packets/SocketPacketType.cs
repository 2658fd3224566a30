namespace Switchboard.SocketIO.Packets;

/// <summary>The seven Socket.IO v5 packet types, numbered as on the wire (the digit after Engine.IO's <c>4</c>).</summary>
public enum SocketPacketType : byte
{
    /// <summary>Asks to join a namespace (client, optional auth object) or grants it (server, <c>{"sid":…}</c>).</summary>
    Connect = 0,

    /// <summary>Leaves a namespace; carries no payload.</summary>
    Disconnect = 1,

    /// <summary>An event: a JSON array whose first element is the event name, optionally with an ack id.</summary>
    Event = 2,

    /// <summary>The reply to an event that carried an ack id: a JSON array of arguments.</summary>
    Ack = 3,

    /// <summary>Refuses a <see cref="Connect"/>; the payload is <c>{"message":…,"data":…}</c> (a string from older peers).</summary>
    ConnectError = 4,

    /// <summary>An <see cref="Event"/> whose arguments include binary attachments, sent as separate frames after it.</summary>
    BinaryEvent = 5,

    /// <summary>An <see cref="Ack"/> whose arguments include binary attachments, sent as separate frames after it.</summary>
    BinaryAck = 6,
}
