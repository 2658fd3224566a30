namespace Switchboard.Redis.Wire;

/// <summary>
/// The <c>type</c> of a message between servers of the Redis Streams adapter, numbered as <c>MessageType</c> in
/// socket.io-adapter's cluster adapter, on which @socket.io/redis-streams-adapter is built. Broadcasts and room
/// changes travel in the stream; requests that want answers, and the answers, on pub/sub channels.
/// </summary>
internal enum ClusterAdapterMessageType
{
    /// <summary>An event for the matching sockets (<c>broadcast</c>); with a <c>requestId</c>, one they acknowledge.</summary>
    Broadcast = 3,

    /// <summary>Matching sockets join rooms (<c>socketsJoin</c>).</summary>
    SocketsJoin = 4,

    /// <summary>Matching sockets leave rooms (<c>socketsLeave</c>).</summary>
    SocketsLeave = 5,

    /// <summary>Matching sockets are disconnected (<c>disconnectSockets</c>).</summary>
    DisconnectSockets = 6,

    /// <summary>The matching sockets, with handshake, rooms and data (<c>fetchSockets</c>).</summary>
    FetchSockets = 7,

    /// <summary>One server's answer to <see cref="FetchSockets"/>.</summary>
    FetchSocketsResponse = 8,

    /// <summary>An event for the other servers themselves (<c>serverSideEmit</c>).</summary>
    ServerSideEmit = 9,

    /// <summary>One server's acknowledgement of a <see cref="ServerSideEmit"/>.</summary>
    ServerSideEmitResponse = 10,

    /// <summary>How many of a server's clients received a broadcast with acknowledgements, and will answer.</summary>
    BroadcastClientCount = 11,

    /// <summary>One client's answer to a broadcast with acknowledgements.</summary>
    BroadcastAck = 12,
}
