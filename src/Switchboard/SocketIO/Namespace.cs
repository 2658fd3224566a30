using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchboard.SocketIO.Adapters;

namespace Switchboard.SocketIO;

/// <summary>
/// A communication channel that splits an application over one connection (<c>/</c>, <c>/admin</c>, …):
/// its own middleware, connection handlers, sockets and rooms. Same as Node's <c>Namespace</c>.
/// </summary>
public sealed class Namespace
{
    private readonly ConcurrentDictionary<string, Socket> _sockets = new(StringComparer.Ordinal);
    private readonly EventHandlerTable _serverSideHandlers = new();
    private readonly ConnectionPipeline _pipeline = new();
    private long _nextAckId = -1;

    internal Namespace(SocketIOServer server, string name, ParentNamespace? parent = null)
    {
        Server = server;
        Name = name;
        Parent = parent;
        Adapter = server.Options.AdapterFactory?.Invoke(this) ?? new InMemoryAdapter(this);
    }

    /// <summary>The namespace's name, starting with <c>/</c>.</summary>
    public string Name { get; }

    /// <summary>The server the namespace belongs to.</summary>
    public SocketIOServer Server { get; }

    /// <summary>The parent that created this namespace on demand, or null for a namespace created by <see cref="SocketIOServer.Of(string)"/>.</summary>
    public ParentNamespace? Parent { get; }

    /// <summary>Where the namespace's sockets and rooms are kept.</summary>
    public Adapter Adapter { get; }

    /// <summary>The connected sockets of this server, by id. Same as Node's <c>namespace.sockets</c>.</summary>
    public IReadOnlyDictionary<string, Socket> Sockets => _sockets;

    /// <summary>Drops the next broadcast for clients that cannot take it right now. Same as Node's <c>namespace.volatile</c>.</summary>
    public BroadcastOperator Volatile => All.Volatile;

    /// <summary>Only this server's sockets. Same as Node's <c>namespace.local</c>.</summary>
    public BroadcastOperator Local => All.Local;

    internal ConcurrentDictionary<string, Socket> SocketsById => _sockets;

    internal ILogger Logger => Server.Logger;

    private BroadcastOperator All => new(this, BroadcastOptions.All);

    /// <summary>Registers a handler for new sockets. Same as Node's <c>namespace.on("connection")</c>.</summary>
    public Namespace OnConnection(Action<Socket> handler)
    {
        _pipeline.AddHandler(handler);
        return this;
    }

    /// <summary>Registers an asynchronous handler for new sockets.</summary>
    public Namespace OnConnection(Func<Socket, Task> handler)
    {
        _pipeline.AddHandler(handler);
        return this;
    }

    /// <summary>
    /// Adds middleware that runs, in order, for every client joining the namespace, before the
    /// connection handlers. It sees the socket with its <see cref="Socket.Handshake"/> (headers, query,
    /// auth, the authenticated user) and refuses the connection by throwing: the client's
    /// <c>connect_error</c> gets the exception's message, and the <see cref="ConnectionRejectedException.ErrorData"/>
    /// as <c>data</c>. Same as Node's <c>namespace.use</c>.
    /// </summary>
    public Namespace Use(Func<Socket, Task> middleware)
    {
        _pipeline.AddMiddleware(middleware);
        return this;
    }

    /// <summary>Sends an event to every socket of the namespace. Same as Node's <c>namespace.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => All.EmitAsync(eventName, args);

    /// <summary>Targets the members of a room. Same as Node's <c>namespace.to(room)</c>.</summary>
    public BroadcastOperator To(string room) => All.To(room);

    /// <summary>Targets the members of several rooms, each socket once. Same as Node's <c>namespace.to([…])</c>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => All.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>. Same as Node's <c>namespace.in(room)</c>.</summary>
    public BroadcastOperator In(string room) => All.To(room);

    /// <summary>Targets every socket except the members of a room. Same as Node's <c>namespace.except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => All.Except(room);

    /// <summary>Targets every socket except the members of several rooms. Same as Node's <c>namespace.except([…])</c>.</summary>
    public BroadcastOperator Except(params IEnumerable<string> rooms) => All.Except(rooms);

    /// <summary>Whether the next broadcast may be compressed. Same as Node's <c>namespace.compress(bool)</c>.</summary>
    public BroadcastOperator Compress(bool compress) => All.Compress(compress);

    /// <summary>Bounds how long a broadcast's acknowledgements are awaited. Same as Node's <c>namespace.timeout(ms)</c>.</summary>
    public BroadcastOperator Timeout(TimeSpan timeout) => All.Timeout(timeout);

    /// <summary>Sends an event every socket must acknowledge; see <see cref="BroadcastOperator.EmitWithAckAsync"/>.</summary>
    public Task<IReadOnlyList<EventArguments>> EmitWithAckAsync(string eventName, params object?[] args) => All.EmitWithAckAsync(eventName, args);

    /// <summary>The sockets of the namespace, on every server. Same as Node's <c>namespace.fetchSockets()</c>.</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => All.FetchSocketsAsync();

    /// <summary>Makes every socket join <paramref name="rooms"/>. Same as Node's <c>namespace.socketsJoin</c>.</summary>
    public Task SocketsJoinAsync(params IEnumerable<string> rooms) => All.SocketsJoinAsync(rooms);

    /// <summary>Makes every socket leave <paramref name="rooms"/>. Same as Node's <c>namespace.socketsLeave</c>.</summary>
    public Task SocketsLeaveAsync(params IEnumerable<string> rooms) => All.SocketsLeaveAsync(rooms);

    /// <summary>Disconnects every socket of the namespace (and with <paramref name="close"/>, their connections). Same as Node's <c>disconnectSockets</c>.</summary>
    public Task DisconnectSocketsAsync(bool close = false) => All.DisconnectSocketsAsync(close);

    /// <summary>
    /// Sends an event to this namespace on the other servers sharing the adapter (their
    /// <see cref="OnServerSideEmit"/> handlers), not to clients. Same as Node's <c>serverSideEmit</c>.
    /// </summary>
    public Task ServerSideEmitAsync(string eventName, params object?[] args)
    {
        Socket.CheckEventName(eventName);
        return Adapter.ServerSideEmitAsync(eventName, args, timeout: null);
    }

    /// <summary>
    /// Sends an event to the other servers and returns their acknowledgements, one per server.
    /// Same as Node's <c>serverSideEmitWithAck</c>.
    /// </summary>
    /// <exception cref="AcknowledgementTimeoutException">Some servers did not answer within <paramref name="timeout"/>.</exception>
    public Task<IReadOnlyList<EventArguments>> ServerSideEmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args)
    {
        Socket.CheckEventName(eventName);
        return Adapter.ServerSideEmitAsync(eventName, args, timeout);
    }

    /// <summary>
    /// Registers a handler for an event another server sent with <see cref="ServerSideEmitAsync"/>; its
    /// parameters bind as for <see cref="Socket.On"/>, and a returned value answers
    /// <see cref="ServerSideEmitWithAckAsync"/>. Same as Node's <c>namespace.on(event)</c>.
    /// </summary>
    public Namespace OnServerSideEmit(string eventName, Delegate handler)
    {
        Socket.CheckEventName(eventName);
        _serverSideHandlers.Add(eventName, handler);
        return this;
    }

    /// <summary>Runs the handlers of a server-side emit received from another server; <paramref name="reply"/> answers its acknowledgement.</summary>
    internal async Task OnServerSideEmitReceivedAsync(string eventName, EventArguments args, Action<object?[]>? reply)
    {
        if (_serverSideHandlers.Find(eventName) is not { } handlers)
        {
            return;
        }

        var acknowledgement = reply is null ? null : new Acknowledgement(reply);
        foreach (var handler in handlers)
        {
            try
            {
                await handler.InvokeAsync(null, args, acknowledgement).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Logger, Name, eventName, e);
            }
        }
    }

    internal long NextAckId() => Interlocked.Increment(ref _nextAckId);

    /// <summary>
    /// Admits a client: recovers its lost session if it presents one (before or after the middleware,
    /// per <see cref="ConnectionStateRecoveryOptions.SkipMiddlewares"/>), otherwise runs the middleware
    /// and connects a new socket. Returns null when the connection was refused or closed meanwhile.
    /// </summary>
    internal async Task<Socket?> ConnectAsync(Client client, JsonElement? auth)
    {
        var socket = new Socket(this, client, new Handshake(client.Session.Request, auth));
        var recovery = Server.Options.ConnectionStateRecovery;
        var (pid, offset) = recovery is null ? default : ReadRecoveryAuth(auth);
        if (pid is not null && recovery!.SkipMiddlewares && await TryRecoverAsync(socket, client, pid, offset).ConfigureAwait(false))
        {
            return socket;
        }

        try
        {
            if (Parent is not null)
            {
                await Parent.Pipeline.RunMiddlewaresAsync(socket).ConfigureAwait(false);
            }

            await _pipeline.RunMiddlewaresAsync(socket).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.ConnectionRejected(Logger, client.Session.Id, Name, e.Message);
            client.Send([Server.Parser.EncodeConnectError(Name, e.Message, (e as ConnectionRejectedException)?.ErrorData, Server.JsonOptions)]);
            return null;
        }

        if (!client.Session.IsOpen)
        {
            return null;
        }

        if (pid is not null && !recovery!.SkipMiddlewares && await TryRecoverAsync(socket, client, pid, offset).ConfigureAwait(false))
        {
            return socket;
        }

        if (recovery is not null)
        {
            socket.AssignPid();
            socket.ConnectOffset = Adapter.CurrentOffset;
        }

        Attach(socket, client, [socket.Id]);
        return socket;
    }

    /// <summary>Starts the parent's and the namespace's connection handlers (see <see cref="ConnectionPipeline.RunHandlersAsync"/>).</summary>
    internal Task RunConnectionHandlersAsync(Socket socket)
    {
        var parent = Parent?.Pipeline.RunHandlersAsync(socket, Logger) ?? Task.CompletedTask;
        var own = _pipeline.RunHandlersAsync(socket, Logger);
        return Task.WhenAll(parent, own);
    }

    internal void Remove(Socket socket)
    {
        Adapter.RemoveAll(socket.Id);
        _sockets.TryRemove(socket.Id, out _);
        if (Parent is not null && Server.Options.CleanupEmptyChildNamespaces && _sockets.IsEmpty)
        {
            Server.RemoveChild(this);
        }
    }

    private static (string? Pid, string? Offset) ReadRecoveryAuth(JsonElement? auth)
    {
        if (auth is not { ValueKind: JsonValueKind.Object } value
            || !value.TryGetProperty("pid", out var pid) || pid.ValueKind != JsonValueKind.String)
        {
            return default;
        }

        var offset = value.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        return (pid.GetString(), offset);
    }

    // Runs under the adapter's lock (see Adapter.TryRestoreSessionAsync): the CONNECT and the missed events
    // are queued before any new broadcast can reach the socket.
    private Task<bool> TryRecoverAsync(Socket socket, Client client, string pid, string? offset) =>
        Adapter.TryRestoreSessionAsync(pid, offset, recovered =>
        {
            socket.Restore(recovered.Session);
            socket.ConnectOffset = Adapter.CurrentOffset;
            Attach(socket, client, recovered.Session.Rooms);
            foreach (var missed in recovered.MissedPackets)
            {
                client.Send(missed);
            }
        });

    private void Attach(Socket socket, Client client, IEnumerable<string> rooms)
    {
        // Registered with the client first: it may send events as soon as it reads the CONNECT.
        client.Add(socket);
        _sockets[socket.Id] = socket;
        socket.Join(rooms);
        client.Send([Server.Parser.EncodeConnect(Name, socket.Id, socket.Pid)]);
        SocketIOLog.SocketConnected(Logger, socket.Id, Name, client.Session.Id);
    }
}
