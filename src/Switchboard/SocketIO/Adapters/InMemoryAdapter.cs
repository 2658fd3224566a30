using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Adapters;

/// <summary>The default adapter: rooms in this process's memory, guarded by one lock per namespace.</summary>
public sealed class InMemoryAdapter(Namespace nsp) : Adapter(nsp)
{
    private static readonly IReadOnlySet<string> NoRooms = new HashSet<string>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _socketRooms = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public override void Add(string socketId, string room)
    {
        lock (_gate)
        {
            if (!_socketRooms.TryGetValue(socketId, out var joined))
            {
                _socketRooms[socketId] = joined = new HashSet<string>(StringComparer.Ordinal);
            }

            joined.Add(room);
            if (!_rooms.TryGetValue(room, out var members))
            {
                _rooms[room] = members = new HashSet<string>(StringComparer.Ordinal);
            }

            members.Add(socketId);
        }
    }

    /// <inheritdoc/>
    public override void Remove(string socketId, string room)
    {
        lock (_gate)
        {
            if (_socketRooms.TryGetValue(socketId, out var joined))
            {
                joined.Remove(room);
            }

            RemoveMember(room, socketId);
        }
    }

    /// <inheritdoc/>
    public override void RemoveAll(string socketId)
    {
        lock (_gate)
        {
            if (!_socketRooms.Remove(socketId, out var joined))
            {
                return;
            }

            foreach (var room in joined)
            {
                RemoveMember(room, socketId);
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlySet<string> SocketRooms(string socketId)
    {
        lock (_gate)
        {
            return _socketRooms.TryGetValue(socketId, out var joined) ? new HashSet<string>(joined, StringComparer.Ordinal) : NoRooms;
        }
    }

    /// <inheritdoc/>
    public override Task BroadcastAsync(EnginePacket[] packets, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packets);
        ArgumentNullException.ThrowIfNull(options);
        var sockets = Namespace.SocketsById;
        lock (_gate)
        {
            if (options.Rooms.Count == 0)
            {
                foreach (var (id, socket) in sockets)
                {
                    if (!IsExcluded(id, options.Except))
                    {
                        socket.Client.Send(packets);
                    }
                }
            }
            else if (options.Rooms.Count == 1)
            {
                if (_rooms.TryGetValue(options.Rooms[0], out var members))
                {
                    SendToMembers(members, null, packets, options.Except, sockets);
                }
            }
            else
            {
                var reached = new HashSet<string>(StringComparer.Ordinal);
                foreach (var room in options.Rooms)
                {
                    if (_rooms.TryGetValue(room, out var members))
                    {
                        SendToMembers(members, reached, packets, options.Except, sockets);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    private void SendToMembers(HashSet<string> members, HashSet<string>? reached, EnginePacket[] packets, IReadOnlyList<string> except, IReadOnlyDictionary<string, Socket> sockets)
    {
        foreach (var id in members)
        {
            if ((reached is null || reached.Add(id)) && !IsExcluded(id, except) && sockets.TryGetValue(id, out var socket))
            {
                socket.Client.Send(packets);
            }
        }
    }

    private bool IsExcluded(string socketId, IReadOnlyList<string> except)
    {
        for (var i = 0; i < except.Count; i++)
        {
            if (_rooms.TryGetValue(except[i], out var members) && members.Contains(socketId))
            {
                return true;
            }
        }

        return false;
    }

    private void RemoveMember(string room, string socketId)
    {
        if (_rooms.TryGetValue(room, out var members) && members.Remove(socketId) && members.Count == 0)
        {
            _rooms.Remove(room);
        }
    }
}
