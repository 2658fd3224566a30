using System.Globalization;
using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// The default adapter: rooms in this process's memory, guarded by one lock per namespace. With
/// connection state recovery on, it also keeps every event it broadcasts, with an offset, for the
/// recovery window, and the sessions of sockets that lost their connection. A scale-out adapter
/// derives from it for the local half of its work.
/// </summary>
public class InMemoryAdapter : Adapter
{
    private static readonly IReadOnlySet<string> NoRooms = new HashSet<string>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IdSet> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IdSet> _socketRooms = new(StringComparer.Ordinal);
    private readonly ConnectionStateRecoveryOptions? _recovery;
    private readonly Queue<StoredPacket> _packets = new();
    private readonly Dictionary<string, (PersistedSession Session, long DisconnectedAt)> _sessions = new(StringComparer.Ordinal);
    private long _lastOffset;
    private long _prunedUpTo;

    /// <summary>Creates the adapter of <paramref name="nsp"/>.</summary>
    public InMemoryAdapter(Namespace nsp)
        : this(nsp, keepsRecoveryState: true)
    {
    }

    /// <summary>
    /// Creates the adapter of <paramref name="nsp"/>; with <paramref name="keepsRecoveryState"/> false it neither numbers
    /// nor keeps events, nor keeps sessions, even with connection state recovery on: for a scale-out adapter that keeps
    /// them elsewhere (the Redis Streams adapter keeps them in Redis) and overrides the recovery members.
    /// </summary>
    protected InMemoryAdapter(Namespace nsp, bool keepsRecoveryState)
        : base(nsp)
    {
        _recovery = keepsRecoveryState ? nsp.Server.Options.ConnectionStateRecovery : null;
    }

    /// <inheritdoc/>
    public override string? CurrentOffset
    {
        get
        {
            if (_recovery is null)
            {
                return null;
            }

            lock (_gate)
            {
                return FormatOffset(_lastOffset);
            }
        }
    }

    private TimeProvider Time => Namespace.Server.Engine.TimeProvider;

    // How long events and lost sessions are kept, in the time provider's timestamp units.
    private long RecoveryWindow => (long)(_recovery!.MaxDisconnectionDuration.TotalSeconds * Time.TimestampFrequency);

    /// <inheritdoc/>
    public override void Add(string socketId, string room)
    {
        bool created, joined;
        lock (_gate)
        {
            if (!_socketRooms.TryGetValue(socketId, out var rooms))
            {
                _socketRooms[socketId] = rooms = new IdSet();
            }

            rooms.Add(room);
            created = !_rooms.TryGetValue(room, out var members);
            if (created)
            {
                _rooms[room] = members = new IdSet();
            }

            joined = members!.Add(socketId);
        }

        if (created)
        {
            OnRoomCreated(room);
        }

        if (joined)
        {
            OnRoomJoined(room, socketId);
        }
    }

    /// <inheritdoc/>
    public override void Remove(string socketId, string room)
    {
        bool left, deleted;
        lock (_gate)
        {
            if (_socketRooms.TryGetValue(socketId, out var rooms))
            {
                rooms.Remove(room);
            }

            (left, deleted) = RemoveMember(room, socketId);
        }

        RaiseLeft(room, socketId, left, deleted);
    }

    /// <inheritdoc/>
    public override void RemoveAll(string socketId)
    {
        List<(string Room, bool Left, bool Deleted)> changes = [];
        lock (_gate)
        {
            if (!_socketRooms.Remove(socketId, out var rooms))
            {
                return;
            }

            foreach (var room in rooms)
            {
                var (left, deleted) = RemoveMember(room, socketId);
                changes.Add((room, left, deleted));
            }
        }

        foreach (var (room, left, deleted) in changes)
        {
            RaiseLeft(room, socketId, left, deleted);
        }
    }

    /// <inheritdoc/>
    public override IReadOnlySet<string> SocketRooms(string socketId)
    {
        lock (_gate)
        {
            return _socketRooms.TryGetValue(socketId, out var rooms) ? rooms.ToHashSet() : NoRooms;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlySet<string> RoomMembers(string room)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(room, out var members) ? members.ToHashSet() : NoRooms;
        }
    }

    /// <inheritdoc/>
    public override Task<IReadOnlySet<string>> AllRoomsAsync()
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(_rooms.Keys, StringComparer.Ordinal));
        }
    }

    /// <summary>Whether <paramref name="room"/> has a member on this server; cheaper than <see cref="RoomMembers"/>, which copies.</summary>
    protected bool HasRoom(string room)
    {
        lock (_gate)
        {
            return _rooms.ContainsKey(room);
        }
    }

    /// <inheritdoc/>
    public override Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        var stored = _recovery is not null && !options.Volatile && packet.AckId is null;
        var frames = stored ? null : packet.Encode(options);
        lock (_gate)
        {
            if (stored)
            {
                var offset = ++_lastOffset;
                packet = packet.WithOffset(FormatOffset(offset));
                frames = packet.Encode(options);
                Store(new StoredPacket(offset, options, frames, Time.GetTimestamp()));
            }

            ForEachTarget(options, new Delivery(packet, frames!, options), static (socket, d) => socket.Deliver(d.Packet, d.Frames, d.Options));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, BroadcastAckCollector collector)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        var ackId = packet.AckId ?? throw new ArgumentException("The packet has no acknowledgement id.", nameof(packet));
        var frames = packet.Encode(options);
        var reached = new List<Socket>();
        lock (_gate)
        {
            ForEachTarget(options, reached, static (socket, list) => list.Add(socket));
        }

        foreach (var socket in reached)
        {
            collector.Track(socket.ExpectAck(ackId));
            socket.Deliver(packet, frames, options);
        }

        collector.AddClients(reached.Count);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var sockets = Targets(options);
        var result = new RemoteSocket[sockets.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new RemoteSocket(sockets[i]);
        }

        return Task.FromResult<IReadOnlyList<RemoteSocket>>(result);
    }

    /// <inheritdoc/>
    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var socket in Targets(options))
        {
            socket.Join(rooms);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task RemoveSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var socket in Targets(options))
        {
            socket.Leave(rooms);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        foreach (var socket in Targets(options))
        {
            socket.Disconnect(close);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<EventArguments>> ServerSideEmitAsync(string eventName, IReadOnlyList<object?> args, TimeSpan? timeout) =>
        Task.FromResult<IReadOnlyList<EventArguments>>([]);

    /// <inheritdoc/>
    public override void PersistSession(PersistedSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_recovery is null)
        {
            return;
        }

        lock (_gate)
        {
            PruneSessions();
            _sessions[session.Pid] = (session, Time.GetTimestamp());
        }
    }

    /// <inheritdoc/>
    public override Task<bool> TryRestoreSessionAsync(string pid, string? offset, Action<RecoveredSession> attach) =>
        Task.FromResult(TryRestoreSession(pid, offset, attach));

    private bool TryRestoreSession(string pid, string? offset, Action<RecoveredSession> attach)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(attach);
        if (_recovery is null)
        {
            return false;
        }

        lock (_gate)
        {
            PruneSessions();
            if (!_sessions.Remove(pid, out var entry))
            {
                return false;
            }

            var session = entry.Session;
            if (!TryParseOffset(offset ?? session.ConnectOffset, out var from) || from > _lastOffset || from < _prunedUpTo)
            {
                return false;
            }

            var missed = new List<EnginePacket[]>();
            foreach (var stored in _packets)
            {
                if (stored.Offset > from && Reaches(stored.Options, session.Rooms))
                {
                    missed.Add(stored.Frames);
                }
            }

            attach(new RecoveredSession(session, missed));
            return true;
        }
    }

    private static string FormatOffset(long offset) => offset.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseOffset(string? offset, out long value) =>
        long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// Whether a broadcast with <paramref name="options"/> reached a socket in <paramref name="rooms"/>: it targeted the
    /// whole namespace or one of the rooms, and excluded none of them. Node's <c>shouldIncludePacket</c>, which decides
    /// which kept events a recovered session missed.
    /// </summary>
    protected static bool Reaches(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rooms);
        var included = options.Rooms.Count == 0;
        foreach (var room in rooms)
        {
            if (options.Except.Contains(room))
            {
                return false;
            }

            included |= options.Rooms.Contains(room);
        }

        return included;
    }

    private void Store(StoredPacket packet)
    {
        _packets.Enqueue(packet);
        var oldest = packet.Timestamp - RecoveryWindow;
        // A bound of 0 (keep nothing) empties the queue: stop there.
        while (_packets.TryPeek(out var first) && (_packets.Count > _recovery!.MaxBufferedPackets || first.Timestamp < oldest))
        {
            _prunedUpTo = _packets.Dequeue().Offset;
        }
    }

    private void PruneSessions()
    {
        var now = Time.GetTimestamp();
        var limit = RecoveryWindow;
        foreach (var (pid, entry) in _sessions)
        {
            if (now - entry.DisconnectedAt > limit)
            {
                _sessions.Remove(pid);
            }
        }
    }

    private List<Socket> Targets(BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sockets = new List<Socket>();
        lock (_gate)
        {
            ForEachTarget(options, sockets, static (socket, list) => list.Add(socket));
        }

        return sockets;
    }

    // Called with the lock held. Each matching socket is visited once, even when it is in several target rooms.
    private void ForEachTarget<TState>(BroadcastOptions options, TState state, Action<Socket, TState> action)
    {
        var sockets = Namespace.SocketsById;
        if (options.Rooms.Count == 0)
        {
            foreach (var (id, socket) in sockets)
            {
                if (!IsExcluded(id, options.Except))
                {
                    action(socket, state);
                }
            }

            return;
        }

        HashSet<string>? reached = options.Rooms.Count == 1 ? null : new(StringComparer.Ordinal);
        foreach (var room in options.Rooms)
        {
            if (!_rooms.TryGetValue(room, out var members))
            {
                continue;
            }

            foreach (var id in members)
            {
                if ((reached is null || reached.Add(id)) && !IsExcluded(id, options.Except) && sockets.TryGetValue(id, out var socket))
                {
                    action(socket, state);
                }
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

    private (bool Left, bool Deleted) RemoveMember(string room, string socketId)
    {
        if (!_rooms.TryGetValue(room, out var members) || !members.Remove(socketId))
        {
            return (false, false);
        }

        if (members.Count > 0)
        {
            return (true, false);
        }

        _rooms.Remove(room);
        return (true, true);
    }

    private void RaiseLeft(string room, string socketId, bool left, bool deleted)
    {
        if (left)
        {
            OnRoomLeft(room, socketId);
        }

        if (deleted)
        {
            OnRoomDeleted(room);
        }
    }

    private readonly record struct Delivery(BroadcastPacket Packet, EnginePacket[] Frames, BroadcastOptions Options);

    private sealed record StoredPacket(long Offset, BroadcastOptions Options, EnginePacket[] Frames, long Timestamp);
}
