namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// Knows which sockets of a namespace are in which rooms and delivers broadcasts to them: the one
/// place that knows where sockets are. The in-memory adapter serves one process; a scale-out
/// adapter (Redis) also forwards broadcasts and requests to the other servers. Same role as Node's
/// socket.io-adapter, method for method.
/// </summary>
public abstract class Adapter
{
    /// <summary>Creates the adapter of a namespace.</summary>
    protected Adapter(Namespace nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        Namespace = nsp;
    }

    /// <summary>Raised when a room gets its first member. Node's <c>create-room</c> event.</summary>
    public event Action<string>? RoomCreated;

    /// <summary>Raised when a room loses its last member. Node's <c>delete-room</c> event.</summary>
    public event Action<string>? RoomDeleted;

    /// <summary>Raised with (room, socket id) when a socket joins a room. Node's <c>join-room</c> event.</summary>
    public event Action<string, string>? RoomJoined;

    /// <summary>Raised with (room, socket id) when a socket leaves a room. Node's <c>leave-room</c> event.</summary>
    public event Action<string, string>? RoomLeft;

    /// <summary>The namespace whose sockets this adapter places.</summary>
    public Namespace Namespace { get; }

    /// <summary>Puts a socket in a room, creating the room if needed.</summary>
    public abstract void Add(string socketId, string room);

    /// <summary>Takes a socket out of a room; an empty room is removed.</summary>
    public abstract void Remove(string socketId, string room);

    /// <summary>Takes a socket out of every room it is in.</summary>
    public abstract void RemoveAll(string socketId);

    /// <summary>The rooms a socket of this server is in (empty for an unknown socket).</summary>
    public abstract IReadOnlySet<string> SocketRooms(string socketId);

    /// <summary>The ids of this server's sockets in a room (empty for an unknown room).</summary>
    public abstract IReadOnlySet<string> RoomMembers(string room);

    /// <summary>Every room with at least one member, on every server. Same as the Redis adapter's <c>allRooms()</c>.</summary>
    public abstract Task<IReadOnlySet<string>> AllRoomsAsync();

    /// <summary>
    /// Sends an event to every socket matching <paramref name="options"/>: the members of any of its
    /// rooms (every socket of the namespace when there are none), each once, except the members of its
    /// excluded rooms. The encoded packet is shared by every recipient.
    /// </summary>
    public abstract Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options);

    /// <summary>
    /// Like <see cref="BroadcastAsync"/> for an event that carries an acknowledgement id: each server
    /// reports to <paramref name="collector"/> how many clients it reached, and their answers go there.
    /// </summary>
    public abstract Task BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, BroadcastAckCollector collector);

    /// <summary>The sockets matching <paramref name="options"/>, on every server unless it is local.</summary>
    public abstract Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options);

    /// <summary>Makes the sockets matching <paramref name="options"/> join <paramref name="rooms"/>.</summary>
    public abstract Task AddSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms);

    /// <summary>Makes the sockets matching <paramref name="options"/> leave <paramref name="rooms"/>.</summary>
    public abstract Task RemoveSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms);

    /// <summary>Disconnects the sockets matching <paramref name="options"/>; with <paramref name="close"/>, their connections too.</summary>
    public abstract Task DisconnectSocketsAsync(BroadcastOptions options, bool close);

    /// <summary>
    /// Sends an event to the other servers' namespaces (not to clients), and with
    /// <paramref name="timeout"/> collects their answers. A single server has no one to tell: the
    /// result is empty.
    /// </summary>
    public abstract Task<IReadOnlyList<EventArguments>> ServerSideEmitAsync(string eventName, IReadOnlyList<object?> args, TimeSpan? timeout);

    /// <summary>Keeps what connection state recovery needs of a socket that lost its connection.</summary>
    public abstract void PersistSession(PersistedSession session);

    /// <summary>
    /// Claims the persisted session <paramref name="pid"/> for a client that last received
    /// <paramref name="offset"/> (null: nothing since it connected). When it can be restored — known,
    /// not expired, and every event since the offset still kept — <paramref name="attach"/> runs with
    /// the session and its missed events while no broadcast can reach the session's rooms, so the
    /// caller queues the missed events before any new one. Completes with false otherwise. Asynchronous
    /// because a scale-out adapter reads the session and the missed events from another process.
    /// </summary>
    public abstract Task<bool> TryRestoreSessionAsync(string pid, string? offset, Action<RecoveredSession> attach);

    /// <summary>The newest offset given to an event, for a socket connecting now (null when recovery is off).</summary>
    public abstract string? CurrentOffset { get; }

    /// <summary>
    /// Releases what the adapter holds outside this process, such as a scale-out adapter's subscriptions; called when
    /// the namespace is removed and when the server closes. Node's <c>adapter.close()</c>. Does nothing by default.
    /// </summary>
    public virtual void Close()
    {
    }

    /// <summary>Raises <see cref="RoomCreated"/>.</summary>
    protected void OnRoomCreated(string room) => RoomCreated?.Invoke(room);

    /// <summary>Raises <see cref="RoomDeleted"/>.</summary>
    protected void OnRoomDeleted(string room) => RoomDeleted?.Invoke(room);

    /// <summary>Raises <see cref="RoomJoined"/>.</summary>
    protected void OnRoomJoined(string room, string socketId) => RoomJoined?.Invoke(room, socketId);

    /// <summary>Raises <see cref="RoomLeft"/>.</summary>
    protected void OnRoomLeft(string room, string socketId) => RoomLeft?.Invoke(room, socketId);
}
