namespace Switchboard.Redis.Wire;

/// <summary>
/// The <c>type</c> of a request or response between servers, numbered as in @socket.io/redis-adapter 8.x
/// (<c>RequestType</c> in its lib/index.ts).
/// </summary>
internal enum RequestType
{
    /// <summary>The ids of the sockets in some rooms (Node's deprecated <c>allSockets()</c>); answered, never asked.</summary>
    Sockets = 0,

    /// <summary>Every room of every server (<c>allRooms()</c>).</summary>
    AllRooms = 1,

    /// <summary>Matching sockets join rooms (<c>socketsJoin</c>).</summary>
    RemoteJoin = 2,

    /// <summary>Matching sockets leave rooms (<c>socketsLeave</c>).</summary>
    RemoteLeave = 3,

    /// <summary>Matching sockets are disconnected (<c>disconnectSockets</c>).</summary>
    RemoteDisconnect = 4,

    /// <summary>The matching sockets, with handshake, rooms and data (<c>fetchSockets</c>).</summary>
    RemoteFetch = 5,

    /// <summary>An event for the other servers themselves (<c>serverSideEmit</c>), and its acknowledgements.</summary>
    ServerSideEmit = 6,

    /// <summary>A broadcast whose recipients must acknowledge it (<c>emitWithAck</c> on a broadcast).</summary>
    Broadcast = 7,

    /// <summary>How many of a server's clients received a <see cref="Broadcast"/> and will answer.</summary>
    BroadcastClientCount = 8,

    /// <summary>One client's answer to a <see cref="Broadcast"/>.</summary>
    BroadcastAck = 9,
}
