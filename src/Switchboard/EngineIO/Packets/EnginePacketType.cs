namespace Switchboard.EngineIO.Packets;

/// <summary>The seven Engine.IO v4 packet types, numbered as on the wire.</summary>
public enum EnginePacketType : byte
{
    /// <summary>Sent by the server when a session opens; carries the handshake JSON.</summary>
    Open = 0,

    /// <summary>Asks the other side to close the session.</summary>
    Close = 1,

    /// <summary>Heartbeat request (server to client in v4; client to server for an upgrade probe).</summary>
    Ping = 2,

    /// <summary>Heartbeat reply.</summary>
    Pong = 3,

    /// <summary>Application data, text or binary.</summary>
    Message = 4,

    /// <summary>Sent by the client over WebSocket to finish an upgrade from polling.</summary>
    Upgrade = 5,

    /// <summary>Does nothing; used to end a pending poll during an upgrade.</summary>
    Noop = 6,
}
