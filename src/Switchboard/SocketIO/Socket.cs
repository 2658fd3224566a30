using System.Collections.Concurrent;
using System.Text.Json;
using Switchboard.EngineIO;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>
/// A client's membership of one namespace: the object a connection handler receives. Same as the
/// <c>Socket</c> of Node's socket.io server; its id differs from the Engine.IO session id.
/// </summary>
public sealed class Socket
{
    private readonly Client _client;
    // Small and created on first use: an idle socket should cost as little memory as possible.
    private readonly ConcurrentDictionary<string, EventHandlerInvoker[]> _handlers = new(1, 4, StringComparer.Ordinal);
    private ConcurrentDictionary<long, TaskCompletionSource<EventArguments>>? _pendingAcks;
    private ConcurrentDictionary<string, object?>? _data;
    private Action<Socket, string>? _onDisconnect;
    private int _connected = 1;

    internal Socket(Namespace nsp, Client client, Handshake handshake)
    {
        Namespace = nsp;
        _client = client;
        Handshake = handshake;
        Id = Ids.New();
    }

    /// <summary>The socket id: random, distinct from the Engine.IO session id, and the name of the socket's own room.</summary>
    public string Id { get; }

    /// <summary>The namespace the socket belongs to.</summary>
    public Namespace Namespace { get; }

    /// <summary>What the client presented when it connected.</summary>
    public Handshake Handshake { get; }

    /// <summary>True until the socket disconnects.</summary>
    public bool Connected => Volatile.Read(ref _connected) != 0;

    /// <summary>The Engine.IO session underneath (its id, its current transport). Same as Node's <c>socket.conn</c>.</summary>
    public EngineSession Connection => _client.Session;

    /// <summary>Free storage for the application (Node's <c>socket.data</c>).</summary>
    public ConcurrentDictionary<string, object?> Data =>
        _data ?? Interlocked.CompareExchange(ref _data, new(1, 4, StringComparer.Ordinal), null) ?? _data;

    /// <summary>The rooms the socket is in, its own id room included.</summary>
    public IReadOnlySet<string> Rooms => Namespace.Adapter.SocketRooms(Id);

    /// <summary>Every other socket of the namespace. Same as Node's <c>socket.broadcast</c>.</summary>
    public BroadcastOperator Broadcast => new(Namespace, [], [Id]);

    internal Client Client => _client;

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
        var invoker = new EventHandlerInvoker(handler);
        _handlers.AddOrUpdate(eventName, static (_, i) => [i], static (_, list, i) => [.. list, i], invoker);
        return this;
    }

    /// <summary>Registers a handler for this socket's disconnection, which receives the reason. Same as Node's <c>socket.on("disconnect")</c>.</summary>
    public Socket OnDisconnect(Action<string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _onDisconnect += (_, reason) => handler(reason);
        return this;
    }

    /// <summary>Sends an event to this client. Same as Node's <c>socket.emit</c>.</summary>
    /// <returns>A task that completes when the event is queued.</returns>
    public Task EmitAsync(string eventName, params object?[] args)
    {
        CheckEventName(eventName);
        _client.Send(Namespace.Server.Parser.EncodeEvent(Namespace.Name, eventName, args, null, Namespace.Server.JsonOptions));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends an event and waits for the client's acknowledgement, however long it takes; see
    /// <see cref="Timeout"/> to bound the wait. Same as Node's <c>socket.emitWithAck</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The socket disconnected before the acknowledgement arrived.</exception>
    public Task<EventArguments> EmitWithAckAsync(string eventName, params object?[] args) => EmitWithAckAsync(eventName, args, null);

    /// <summary>Bounds how long the next acknowledgement is awaited. Same as Node's <c>socket.timeout(ms)</c>.</summary>
    public TimedEmitter Timeout(TimeSpan timeout) => new(this, timeout);

    /// <summary>Adds the socket to a room. Same as Node's <c>socket.join</c>.</summary>
    public void Join(string room) => Namespace.Adapter.Add(Id, room);

    /// <summary>Removes the socket from a room. Same as Node's <c>socket.leave</c>.</summary>
    public void Leave(string room) => Namespace.Adapter.Remove(Id, room);

    /// <summary>Every other socket in <paramref name="room"/>. Same as Node's <c>socket.to(room)</c>.</summary>
    public BroadcastOperator To(string room) => new(Namespace, [room], [Id]);

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

    internal async Task<EventArguments> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout)
    {
        CheckEventName(eventName);
        var id = Namespace.NextAckId();
        var pending = new TaskCompletionSource<EventArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pendingAcks = _pendingAcks ?? Interlocked.CompareExchange(ref _pendingAcks, new(1, 4), null) ?? _pendingAcks;
        pendingAcks[id] = pending;
        if (!Connected)
        {
            pendingAcks.TryRemove(id, out _);
            throw Disconnected();
        }

        _client.Send(Namespace.Server.Parser.EncodeEvent(Namespace.Name, eventName, args, id, Namespace.Server.JsonOptions));
        if (timeout is not { } limit)
        {
            return await pending.Task.ConfigureAwait(false);
        }

        try
        {
            return await pending.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            pendingAcks.TryRemove(id, out _);
            throw new TimeoutException($"No acknowledgement of \"{eventName}\" within {limit.TotalMilliseconds} ms.");
        }
    }

    internal void SendAck(long id, object?[] args)
    {
        if (Connected)
        {
            _client.Send(Namespace.Server.Parser.EncodeAck(Namespace.Name, id, args, Namespace.Server.JsonOptions));
        }
    }

    internal void OnPacket(SocketPacket packet)
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
        if (Interlocked.Exchange(ref _connected, 0) == 0)
        {
            return;
        }

        Namespace.Remove(this);
        _client.Remove(this);
        var pendingAcks = Volatile.Read(ref _pendingAcks);
        foreach (var id in pendingAcks?.Keys ?? [])
        {
            if (pendingAcks!.TryRemove(id, out var pending))
            {
                pending.TrySetException(Disconnected());
            }
        }

        SocketIOLog.SocketDisconnected(Namespace.Logger, Id, Namespace.Name, reason);
        try
        {
            _onDisconnect?.Invoke(this, reason);
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(Namespace.Logger, Id, "disconnect", e);
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
        if (!_handlers.TryGetValue(eventName, out var handlers))
        {
            return;
        }

        var arguments = new EventArguments(data, 1, packet.Attachments, Namespace.Server.JsonOptions);
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

    internal static void CheckEventName(string eventName)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (ReservedEventNames.Contains(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }

    private InvalidOperationException Disconnected() => new($"Socket {Id} disconnected before the acknowledgement arrived.");
}
