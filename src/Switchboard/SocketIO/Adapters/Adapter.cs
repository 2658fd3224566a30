using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// Knows which sockets of a namespace are in which rooms and delivers broadcasts to them: the one
/// place that knows where sockets are. The in-memory adapter serves one process; a scale-out
/// adapter (Redis) also forwards broadcasts to the other servers. Same role as Node's socket.io-adapter.
/// </summary>
public abstract class Adapter
{
    /// <summary>Creates the adapter of a namespace.</summary>
    protected Adapter(Namespace nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        Namespace = nsp;
    }

    /// <summary>The namespace whose sockets this adapter places.</summary>
    public Namespace Namespace { get; }

    /// <summary>Puts a socket in a room, creating the room if needed.</summary>
    public abstract void Add(string socketId, string room);

    /// <summary>Takes a socket out of a room; an empty room is removed.</summary>
    public abstract void Remove(string socketId, string room);

    /// <summary>Takes a socket out of every room it is in.</summary>
    public abstract void RemoveAll(string socketId);

    /// <summary>The rooms a socket is in (empty for an unknown socket).</summary>
    public abstract IReadOnlySet<string> SocketRooms(string socketId);

    /// <summary>
    /// Sends already encoded packets to every socket matching <paramref name="options"/>: the
    /// members of any of its rooms (every socket of the namespace when there are none), each once,
    /// except the members of its excluded rooms. The packets are shared by every recipient.
    /// </summary>
    public abstract Task BroadcastAsync(EnginePacket[] packets, BroadcastOptions options);
}
