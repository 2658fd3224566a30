using System.Collections.Concurrent;
using System.Text.Json;
using Switchboard.Connections;
using Switchboard.EngineIO;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>
/// A client's membership of one namespace: the object a connection handler receives. Same as the
/// <c>Socket</c> of Node's socket.io server; its id differs from the Engine.IO session id.
/// </summary>
public sealed class Socket
{
    private readonly Client _client;
    private readonly EventHandlerTable _handlers = new();
    private ConcurrentDictionary<long, TaskCompletionSource<EventArguments>>? _pendingAcks;
    private ConcurrentDictionary<string, object?>? _data;
    private SocketListeners? _listeners;
    private List<SocketPacket>? _early = [];
    private int _connected = 1;

    internal Socket(Namespace nsp, Client client, Handshake handshake)
    {
        Namespace = nsp;
        _client = client;
        Handshake = handshake;
        Id = Ids.New();
    }

    /// <summary>The socket id: random, distinct from the Engine.IO session id, and the name of the socket's own room.</summary>
    public string Id { get; private set; }

    /// <summary>The namespace the socket belongs to.</summary>
    public Namespace Namespace { get; }

    /// <summary>What the client presented when it connected.</summary>
    public Handshake Handshake { get; }

    /// <summary>True until the socket disconnects.</summary>
    public bool Connected => System.Threading.Volatile.Read(ref _connected) != 0;

    /// <summary>
    /// True when connection state recovery gave this socket back the id, rooms, data and missed events
    /// of a connection the client lost. Same as Node's <c>socket.recovered</c>.
    /// </summary>
    public bool Recovered { get; private set; }

    /// <summary>The Engine.IO session underneath (its id, its current transport). Same as Node's <c>socket.conn</c>.</summary>
    public EngineSession Connection => _client.Session;

    /// <summary>Free storage for the application (Node's <c>socket.data</c>); kept across a recovered connection.</summary>
    public ConcurrentDictionary<string, object?> Data =>
        _data ?? Interlocked.CompareExchange(ref _data, new(1, 4, StringComparer.Ordinal), null) ?? _data;

    /// <summary>The rooms the socket is in, its own id room included.</summary>
    public IReadOnlySet<string> Rooms => Namespace.Adapter.SocketRooms(Id);

    /// <summary>Every other socket of the namespace. Same as Node's <c>socket.broadcast</c>.</summary>
    public BroadcastOperator Broadcast => new(Namespace, new BroadcastOptions([], [Id]));

    /// <summary>Drops the next event if the client cannot take it right now. Same as Node's <c>socket.volatile</c>.</summary>
    public SocketEmitter Volatile => new(this, EmitFlags.Default with { Volatile = true });

    internal Client Client => _client;

    /// <summary>The private session id a client presents to recover this socket; null when recovery is off.</summary>
    internal string? Pid { get; private set; }

    /// <summary>The newest event offset when the socket connected (recovery only).</summary>
    internal string? ConnectOffset { get; set; }

    private SocketListeners Listeners =>
        _listeners ?? Interlocked.CompareExchange(ref _listeners, new SocketListeners(), null) ?? _listeners;

    /// <summary>
    /// Registers a handler for an event. The handler's parameters are bound in order from the
    /// event's arguments (deserialized with System.Text.Json; <c>byte[]</c> for binary; <see cref="JsonElement"/>
    /// for raw JSON), except parameters of type <see cref="Acknowledgement"/>, <see cref="EventArguments"/>
    /// and <see cref="Socket"/>, which receive those. If the client asked for an acknowledgement and the
    /// handler returns a value (or a task of one), that value is the acknowledgement. Same as Node's <c>socket.on</c>.
    /// </summary>
    public Socket On(string eventName, Delegate handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        _handlers.Add(eventName, handler);
        return this;
    }

    /// <summary>Removes every handler of an event. Same as Node's <c>socket.removeAllListeners(event)</c>.</summary>
    public Socket Off(string eventName)
    {
        _handlers.Remove(eventName);
        return this;
    }

    /// <summary>Registers a handler for this socket's disconnection, which receives the reason. Same as Node's <c>socket.on("disconnect")</c>.</summary>
    public Socket OnDisconnect(Action<string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Listeners.Disconnect += handler;
        return this;
    }

    /// <summary>
    /// Registers a handler that runs when the socket is about to disconnect, while <see cref="Rooms"/>
    /// still lists its rooms. Same as Node's <c>socket.on("disconnecting")</c>.
    /// </summary>
    public Socket OnDisconnecting(Action<string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Listeners.Disconnecting += handler;
        return this;
    }

    /// <summary>Registers a handler for errors of this socket, such as a middleware refusing a packet. Same as Node's <c>socket.on("error")</c>.</summary>
    public Socket OnError(Action<Exception> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Listeners.Error += handler;
        return this;
    }

    /// <summary>
    /// Adds middleware that runs for every incoming event before its handlers: it receives the event
    /// name and arguments and refuses the event by throwing; the exception goes to <see cref="OnError"/>
    /// handlers. Same as Node's <c>socket.use</c>.
    /// </summary>
    public Socket Use(Func<string, EventArguments, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        Listeners.AddMiddleware(middleware);
        return this;
    }

    /// <summary>Adds a listener called with the name and arguments of every incoming event. Same as Node's <c>socket.onAny</c>.</summary>
    public Socket OnAny(Action<string, EventArguments> listener)
    {
        Listeners.Any.Add(listener, prepend: false);
        return this;
    }

    /// <summary>Adds a catch-all listener before the others. Same as Node's <c>socket.prependAny</c>.</summary>
    public Socket PrependAny(Action<string, EventArguments> listener)
    {
        Listeners.Any.Add(listener, prepend: true);
        return this;
    }

    /// <summary>Removes a catch-all listener, or all of them when <paramref name="listener"/> is null. Same as Node's <c>socket.offAny</c>.</summary>
    public Socket OffAny(Action<string, EventArguments>? listener = null)
    {
        Listeners.Any.Remove(listener);
        return this;
    }

    /// <summary>The catch-all listeners. Same as Node's <c>socket.listenersAny()</c>.</summary>
    public IReadOnlyList<Action<string, EventArguments>> ListenersAny() => _listeners?.Any.Snapshot ?? [];

    /// <summary>Adds a listener called with the name and arguments of every event sent to this client. Same as Node's <c>socket.onAnyOutgoing</c>.</summary>
    public Socket OnAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        Listeners.AnyOutgoing.Add(listener, prepend: false);
        return this;
    }

    /// <summary>Adds an outgoing catch-all listener before the others. Same as Node's <c>socket.prependAnyOutgoing</c>.</summary>
    public Socket PrependAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        Listeners.AnyOutgoing.Add(listener, prepend: true);
        return this;
    }

    /// <summary>Removes an outgoing catch-all listener, or all of them when <paramref name="listener"/> is null. Same as Node's <c>socket.offAnyOutgoing</c>.</summary>
    public Socket OffAnyOutgoing(Action<string, IReadOnlyList<object?>>? listener = null)
    {
        Listeners.AnyOutgoing.Remove(listener);
        return this;
    }

    /// <summary>The outgoing catch-all listeners. Same as Node's <c>socket.listenersAnyOutgoing()</c>.</summary>
    public IReadOnlyList<Action<string, IReadOnlyList<object?>>> ListenersAnyOutgoing() => _listeners?.AnyOutgoing.Snapshot ?? [];

    /// <summary>Sends an event to this client. Same as Node's <c>socket.emit</c>.</summary>
    /// <returns>A task that completes when the event is queued.</returns>
    public Task EmitAsync(string eventName, params object?[] args) => EmitAsync(eventName, args, EmitFlags.Default);

    /// <summary>
    /// Sends an event and waits for the client's acknowledgement, however long it takes; see
    /// <see cref="Timeout"/> to bound the wait. Same as Node's <c>socket.emitWithAck</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The socket disconnected before the acknowledgement arrived.</exception>
    public Task<EventArguments> EmitWithAckAsync(string eventName, params object?[] args) => EmitWithAckAsync(eventName, args, EmitFlags.Default);

    /// <summary>Bounds how long the next acknowledgement is awaited. Same as Node's <c>socket.timeout(ms)</c>.</summary>
    public SocketEmitter Timeout(TimeSpan timeout) => new(this, EmitFlags.Default with { Timeout = timeout });

    /// <summary>Whether the next event may be compressed. Same as Node's <c>socket.compress(bool)</c>.</summary>
    public SocketEmitter Compress(bool compress) => new(this, EmitFlags.Default with { Compress = compress });

    /// <summary>Adds the socket to a room. Same as Node's <c>socket.join</c>.</summary>
    public void Join(string room) => Namespace.Adapter.Add(Id, room);

    /// <summary>Adds the socket to several rooms. Same as Node's <c>socket.join([…])</c>.</summary>
    public void Join(params IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var room in rooms)
        {
            Namespace.Adapter.Add(Id, room);
        }
    }

    /// <summary>Removes the socket from a room. Same as Node's <c>socket.leave</c>.</summary>
    public void Leave(string room) => Namespace.Adapter.Remove(Id, room);

    /// <summary>Removes the socket from several rooms.</summary>
    public void Leave(params IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var room in rooms)
        {
            Namespace.Adapter.Remove(Id, room);
        }
    }

    /// <summary>Every other socket in <paramref name="room"/>. Same as Node's <c>socket.to(room)</c>.</summary>
    public BroadcastOperator To(string room) => Broadcast.To(room);

    /// <summary>Every other socket in any of <paramref name="rooms"/>, each once. Same as Node's <c>socket.to([…])</c>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>. Same as Node's <c>socket.in(room)</c>.</summary>
    public BroadcastOperator In(string room) => Broadcast.To(room);

    /// <summary>Every other socket except the members of <paramref name="room"/>. Same as Node's <c>socket.except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => Broadcast.Except(room);

    /// <summary>
    /// Removes the socket from its namespace, telling the client (reason <c>server namespace disconnect</c>).
    /// With <paramref name="close"/>, closes the whole connection. Same as Node's <c>socket.disconnect(close)</c>.
    /// </summary>
    public void Disconnect(bool close = false)
    {
        if (close)
        {
            _client.DisconnectAll();
            return;
        }

        if (!Connected)
        {
            return;
        }

        _client.Send([Namespace.Server.Parser.EncodeDisconnect(Namespace.Name)]);
        OnClose(DisconnectReason.ServerNamespaceDisconnect);
    }

    internal Task EmitAsync(string eventName, object?[] args, EmitFlags flags)
    {
        CheckEventName(eventName);
        var packet = new BroadcastPacket(Namespace, eventName, args);
        var options = ToThisClient(flags);
        if (Namespace.Server.Options.ConnectionStateRecovery is not null)
        {
            // Through the adapter, which gives the event an offset and keeps it for a client that reconnects.
            return Namespace.Adapter.BroadcastAsync(packet, options);
        }

        Deliver(packet, packet.Encode(options), options);
        return Task.CompletedTask;
    }

    internal async Task<EventArguments> EmitWithAckAsync(string eventName, object?[] args, EmitFlags flags)
    {
        CheckEventName(eventName);
        var id = Namespace.NextAckId();
        var pending = ExpectAck(id);
        var packet = new BroadcastPacket(Namespace, eventName, args, id);
        var options = ToThisClient(flags);
        Deliver(packet, packet.Encode(options), options);
        if (flags.Timeout is not { } limit)
        {
            return await pending.ConfigureAwait(false);
        }

        try
        {
            return await pending.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ForgetAck(id);
            throw new TimeoutException($"No acknowledgement of \"{eventName}\" within {limit.TotalMilliseconds} ms.");
        }
    }

    /// <summary>Registers an acknowledgement id this client must answer; the task fails if the socket disconnects first.</summary>
    internal Task<EventArguments> ExpectAck(long id)
    {
        var pending = new TaskCompletionSource<EventArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pendingAcks = _pendingAcks ?? Interlocked.CompareExchange(ref _pendingAcks, new(1, 4), null) ?? _pendingAcks;
        pendingAcks[id] = pending;
        if (!Connected && pendingAcks.TryRemove(id, out _))
        {
            pending.TrySetException(Disconnected());
        }

        return pending.Task;
    }

    internal void ForgetAck(long id) => _pendingAcks?.TryRemove(id, out _);

    /// <summary>Queues an encoded event for this client, telling the outgoing catch-all listeners.</summary>
    internal void Deliver(BroadcastPacket packet, EnginePacket[] frames, BroadcastOptions options)
    {
        if (_listeners?.AnyOutgoing.Snapshot is { Length: > 0 } outgoing)
        {
            foreach (var listener in outgoing)
            {
                listener(packet.EventName, packet.Arguments);
            }
        }

        if (options.Volatile)
        {
            _client.Session.TrySendNow(frames);
        }
        else
        {
            _client.Send(frames);
        }
    }

    internal void SendAck(long id, object?[] args)
    {
        if (Connected)
        {
            _client.Send(Namespace.Server.Parser.EncodeAck(Namespace.Name, id, args, Namespace.Server.JsonOptions));
        }
    }

    /// <summary>Takes over a recovered session's id, private id and data before the socket is registered.</summary>
    internal void Restore(PersistedSession session)
    {
        Id = session.Sid;
        Pid = session.Pid;
        Recovered = true;
        if (session.Data.Count > 0)
        {
            _data = new ConcurrentDictionary<string, object?>(session.Data, StringComparer.Ordinal);
        }
    }

    /// <summary>Gives a new socket its private session id (connection state recovery).</summary>
    internal void AssignPid() => Pid = Ids.New();

    /// <summary>Dispatches the packets that arrived before the connection handlers started, then the rest as they come.</summary>
    internal void OnConnectionHandlersStarted()
    {
        while (true)
        {
            SocketPacket[] early;
            lock (_handlers)
            {
                if (_early is not { Count: > 0 })
                {
                    _early = null;
                    return;
                }

                early = [.. _early];
                _early.Clear();
            }

            foreach (var packet in early)
            {
                Dispatch(packet);
            }
        }
    }

    internal void OnPacket(SocketPacket packet)
    {
        if (System.Threading.Volatile.Read(ref _early) is not null)
        {
            lock (_handlers)
            {
                if (_early is not null)
                {
                    _early.Add(packet);
                    return;
                }
            }
        }

        Dispatch(packet);
    }

    private void Dispatch(SocketPacket packet)
    {
        switch (packet.Type)
        {
            case SocketPacketType.Event or SocketPacketType.BinaryEvent:
                OnEvent(packet);
                break;
            case SocketPacketType.Ack or SocketPacketType.BinaryAck:
                if (packet.AckId is { } id && _pendingAcks is { } pendingAcks && pendingAcks.TryRemove(id, out var pending))
                {
                    pending.TrySetResult(new EventArguments(packet.Data ?? default, 0, packet.Attachments, Namespace.Server.JsonOptions));
                }

                break;
            case SocketPacketType.Disconnect:
                OnClose(DisconnectReason.ClientNamespaceDisconnect);
                break;
        }
    }

    /// <summary>Leaves the namespace and tells the application; runs once.</summary>
    internal void OnClose(string reason)
    {
        // 1 connected, 2 disconnecting, 0 gone: of two racing closes (a server Disconnect and a
        // transport close), only the first runs the handlers.
        if (Interlocked.CompareExchange(ref _connected, 2, 1) != 1)
        {
            return;
        }

        Invoke(_listeners?.Disconnecting, reason, "disconnecting");
        System.Threading.Volatile.Write(ref _connected, 0);

        if (Pid is not null && DisconnectReason.IsRecoverable(reason))
        {
            Namespace.Adapter.PersistSession(new PersistedSession(Id, Pid, Rooms, new Dictionary<string, object?>(_data ?? [], StringComparer.Ordinal), ConnectOffset));
        }

        Namespace.Remove(this);
        _client.Remove(this);
        var pendingAcks = System.Threading.Volatile.Read(ref _pendingAcks);
        foreach (var id in pendingAcks?.Keys ?? [])
        {
            if (pendingAcks!.TryRemove(id, out var pending))
            {
                pending.TrySetException(Disconnected());
            }
        }

        SocketIOLog.SocketDisconnected(Namespace.Logger, Id, Namespace.Name, reason);
        Invoke(_listeners?.Disconnect, reason, "disconnect");
    }

    internal void RaiseError(Exception exception)
    {
        if (_listeners?.Error is not { } handlers)
        {
            SocketIOLog.HandlerFailed(Namespace.Logger, Id, "error", exception);
            return;
        }

        try
        {
            handlers(exception);
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(Namespace.Logger, Id, "error", e);
        }
    }

    internal static void CheckEventName(string eventName)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (ReservedEventNames.Contains(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }

    private void Invoke(Action<string>? handlers, string reason, string eventName)
    {
        try
        {
            handlers?.Invoke(reason);
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(Namespace.Logger, Id, eventName, e);
        }
    }

    private void OnEvent(SocketPacket packet)
    {
        // The reference accepts an event without payload (nothing to dispatch) and numeric names.
        if (packet.Data is not { ValueKind: JsonValueKind.Array } data || data.GetArrayLength() == 0)
        {
            return;
        }

        var name = data[0];
        var eventName = name.ValueKind == JsonValueKind.String ? name.GetString()! : name.GetRawText();
        var acknowledgement = packet.AckId is { } id ? new Acknowledgement(this, id) : null;
        var arguments = new EventArguments(data, 1, packet.Attachments, Namespace.Server.JsonOptions);
        var listeners = _listeners;
        if (listeners?.Any.Snapshot is { Length: > 0 } any)
        {
            foreach (var listener in any)
            {
                try
                {
                    listener(eventName, arguments);
                }
                catch (Exception e)
                {
                    SocketIOLog.HandlerFailed(Namespace.Logger, Id, eventName, e);
                }
            }
        }

        if (listeners?.Middlewares is { Length: > 0 } middlewares)
        {
            _ = RunMiddlewaresThenDispatchAsync(middlewares, eventName, arguments, acknowledgement);
            return;
        }

        DispatchEvent(eventName, arguments, acknowledgement);
    }

    private async Task RunMiddlewaresThenDispatchAsync(
        Func<string, EventArguments, Task>[] middlewares, string eventName, EventArguments arguments, Acknowledgement? acknowledgement)
    {
        try
        {
            foreach (var middleware in middlewares)
            {
                await middleware(eventName, arguments).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            RaiseError(e);
            return;
        }

        if (Connected)
        {
            DispatchEvent(eventName, arguments, acknowledgement);
        }
    }

    private void DispatchEvent(string eventName, EventArguments arguments, Acknowledgement? acknowledgement)
    {
        if (_handlers.Find(eventName) is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers)
        {
            Task task;
            try
            {
                task = handler.InvokeAsync(this, arguments, acknowledgement);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Namespace.Logger, Id, eventName, e);
                continue;
            }

            if (!task.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(task, eventName);
            }
        }
    }

    private async Task ObserveAsync(Task task, string eventName)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(Namespace.Logger, Id, eventName, e);
        }
    }

    private BroadcastOptions ToThisClient(EmitFlags flags) =>
        new([Id], []) { Volatile = flags.Volatile, Compress = flags.Compress };

    private InvalidOperationException Disconnected() => new($"Socket {Id} disconnected before the acknowledgement arrived.");
}
