using Switchboard.SocketIO.Adapters;

namespace Switchboard.SocketIO;

/// <summary>
/// A socket found by <c>FetchSocketsAsync</c>, on this server or another one sharing the adapter: a
/// snapshot of its id, handshake, rooms and data, and the operations that reach it wherever it is.
/// Same as Node's <c>RemoteSocket</c>.
/// </summary>
public sealed class RemoteSocket
{
    private readonly Namespace _namespace;

    internal RemoteSocket(Socket socket)
        : this(socket.Namespace, socket.Id, socket.Handshake, socket.Rooms, new Dictionary<string, object?>(socket.Data, StringComparer.Ordinal))
    {
    }

    /// <summary>Describes a socket of <paramref name="nsp"/> reported by a scale-out adapter.</summary>
    public RemoteSocket(Namespace nsp, string id, Handshake handshake, IReadOnlySet<string> rooms, IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        _namespace = nsp;
        Id = id;
        Handshake = handshake;
        Rooms = rooms;
        Data = data;
    }

    /// <summary>The socket id.</summary>
    public string Id { get; }

    /// <summary>What the client presented when it connected.</summary>
    public Handshake Handshake { get; }

    /// <summary>The rooms the socket was in when fetched.</summary>
    public IReadOnlySet<string> Rooms { get; }

    /// <summary>A copy of the socket's <see cref="Socket.Data"/> when fetched.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>Sends an event to this socket. Same as Node's <c>remoteSocket.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => Target.EmitAsync(eventName, args);

    /// <summary>Makes the socket join rooms. Same as Node's <c>remoteSocket.join</c>.</summary>
    public Task JoinAsync(params string[] rooms) => Target.SocketsJoinAsync(rooms);

    /// <summary>Makes the socket leave rooms. Same as Node's <c>remoteSocket.leave</c>.</summary>
    public Task LeaveAsync(params string[] rooms) => Target.SocketsLeaveAsync(rooms);

    /// <summary>Disconnects the socket; with <paramref name="close"/>, its connection too. Same as Node's <c>remoteSocket.disconnect</c>.</summary>
    public Task DisconnectAsync(bool close = false) => Target.DisconnectSocketsAsync(close);

    private BroadcastOperator Target => new(_namespace, new BroadcastOptions([Id], []));
}
