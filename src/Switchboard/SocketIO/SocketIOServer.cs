using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.EngineIO;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>
/// The Socket.IO v5 server: namespaces over an Engine.IO server. Same as Node's <c>Server</c>
/// (<c>io</c>); methods that Node forwards to the main namespace (<c>/</c>) are forwarded here too.
/// </summary>
public sealed class SocketIOServer
{
    private readonly ConcurrentDictionary<string, Namespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ParentNamespace[] _parents = [];

    /// <summary>Creates a server; hosting code normally gets it from <c>AddSocketIO</c> and <c>MapSocketIO</c>.</summary>
    public SocketIOServer(SocketIOOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        Options = options;
        Logger = loggerFactory.CreateLogger<SocketIOServer>();
        Engine = new EngineServer(options, loggerFactory.CreateLogger<EngineServer>(), timeProvider);
        Engine.Connection += session => _ = new Client(this, session);
        Sockets = Of("/");
    }

    /// <summary>The settings in force.</summary>
    public SocketIOOptions Options { get; }

    /// <summary>The Engine.IO server underneath.</summary>
    public EngineServer Engine { get; }

    /// <summary>The main namespace, <c>/</c>. Same as Node's <c>io.sockets</c>.</summary>
    public Namespace Sockets { get; }

    internal ILogger Logger { get; }

    internal JsonSerializerOptions JsonOptions => Options.JsonSerializerOptions;

    internal SocketParser Parser => Options.Parser;

    /// <summary>Gets or creates a namespace. Same as Node's <c>io.of(name)</c>.</summary>
    public Namespace Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith('/'))
        {
            name = "/" + name;
        }

        return _namespaces.GetOrAdd(name, static (n, server) => new Namespace(server, n), this);
    }

    /// <summary>
    /// Creates namespaces on demand: a client asking for a namespace whose name matches
    /// <paramref name="pattern"/> gets one, a child of the returned parent. Same as Node's <c>io.of(/regex/)</c>.
    /// </summary>
    public ParentNamespace Of(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Of((name, _) => pattern.IsMatch(name));
    }

    /// <summary>
    /// Creates namespaces on demand for names that <paramref name="predicate"/> accepts; it also sees
    /// the client's auth payload (an empty object when the client sent none). Same as Node's
    /// <c>io.of((name, auth, next) => …)</c>.
    /// </summary>
    public ParentNamespace Of(Func<string, JsonElement, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var parent = new ParentNamespace(predicate);
        lock (_gate)
        {
            _parents = [.. _parents, parent];
        }

        return parent;
    }

    /// <summary>Registers a handler for sockets joining the main namespace. Same as Node's <c>io.on("connection")</c>.</summary>
    public SocketIOServer OnConnection(Action<Socket> handler)
    {
        Sockets.OnConnection(handler);
        return this;
    }

    /// <summary>Registers an asynchronous handler for sockets joining the main namespace.</summary>
    public SocketIOServer OnConnection(Func<Socket, Task> handler)
    {
        Sockets.OnConnection(handler);
        return this;
    }

    /// <summary>Adds middleware to the main namespace; see <see cref="Namespace.Use"/>. Same as Node's <c>io.use</c>.</summary>
    public SocketIOServer Use(Func<Socket, Task> middleware)
    {
        Sockets.Use(middleware);
        return this;
    }

    /// <summary>Sends an event to every socket of the main namespace. Same as Node's <c>io.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => Sockets.EmitAsync(eventName, args);

    /// <summary>Targets the members of a room of the main namespace. Same as Node's <c>io.to(room)</c>.</summary>
    public BroadcastOperator To(string room) => Sockets.To(room);

    /// <summary>Targets the members of several rooms of the main namespace. Same as Node's <c>io.to([…])</c>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => Sockets.To(rooms);

    /// <summary>Same as <see cref="To(string)"/>. Same as Node's <c>io.in(room)</c>.</summary>
    public BroadcastOperator In(string room) => Sockets.To(room);

    /// <summary>Targets every socket of the main namespace except a room's members. Same as Node's <c>io.except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => Sockets.Except(room);

    /// <summary>Drops the next broadcast for clients that cannot take it now. Same as Node's <c>io.volatile</c>.</summary>
    public BroadcastOperator Volatile => Sockets.Volatile;

    /// <summary>Only this server's sockets. Same as Node's <c>io.local</c>.</summary>
    public BroadcastOperator Local => Sockets.Local;

    /// <summary>Whether the next broadcast may be compressed. Same as Node's <c>io.compress(bool)</c>.</summary>
    public BroadcastOperator Compress(bool compress) => Sockets.Compress(compress);

    /// <summary>Bounds how long a broadcast's acknowledgements are awaited. Same as Node's <c>io.timeout(ms)</c>.</summary>
    public BroadcastOperator Timeout(TimeSpan timeout) => Sockets.Timeout(timeout);

    /// <summary>The sockets of the main namespace, on every server. Same as Node's <c>io.fetchSockets()</c>.</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => Sockets.FetchSocketsAsync();

    /// <summary>Makes every socket of the main namespace join rooms. Same as Node's <c>io.socketsJoin</c>.</summary>
    public Task SocketsJoinAsync(params IEnumerable<string> rooms) => Sockets.SocketsJoinAsync(rooms);

    /// <summary>Makes every socket of the main namespace leave rooms. Same as Node's <c>io.socketsLeave</c>.</summary>
    public Task SocketsLeaveAsync(params IEnumerable<string> rooms) => Sockets.SocketsLeaveAsync(rooms);

    /// <summary>Disconnects every socket of the main namespace. Same as Node's <c>io.disconnectSockets</c>.</summary>
    public Task DisconnectSocketsAsync(bool close = false) => Sockets.DisconnectSocketsAsync(close);

    /// <summary>Sends an event to the other servers; see <see cref="Namespace.ServerSideEmitAsync"/>. Same as Node's <c>io.serverSideEmit</c>.</summary>
    public Task ServerSideEmitAsync(string eventName, params object?[] args) => Sockets.ServerSideEmitAsync(eventName, args);

    /// <summary>Sends an event to the other servers and collects their answers. Same as Node's <c>io.serverSideEmitWithAck</c>.</summary>
    public Task<IReadOnlyList<EventArguments>> ServerSideEmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args) =>
        Sockets.ServerSideEmitWithAckAsync(eventName, timeout, args);

    /// <summary>Registers a handler for another server's server-side emit. Same as Node's <c>io.on(event)</c>.</summary>
    public SocketIOServer OnServerSideEmit(string eventName, Delegate handler)
    {
        Sockets.OnServerSideEmit(eventName, handler);
        return this;
    }

    /// <summary>Serves one Engine.IO request; <c>MapSocketIO</c> routes requests here.</summary>
    public Task HandleRequestAsync(HttpContext context) => Engine.HandleRequestAsync(context);

    /// <summary>
    /// Disconnects every socket with reason <c>server shutting down</c>, closes every namespace's adapter, and
    /// closes every connection after what is queued has been sent. Same as Node's <c>io.close()</c>.
    /// </summary>
    public void Close()
    {
        foreach (var nsp in _namespaces.Values)
        {
            foreach (var socket in nsp.SocketsById.Values)
            {
                socket.OnClose(DisconnectReason.ServerShuttingDown);
            }

            nsp.Adapter.Close();
        }

        Engine.CloseAll();
    }

    /// <summary>
    /// The namespace a client asked for: an existing one, or a new child of the first parent whose rule
    /// accepts the name. A rule that throws is logged and taken as a refusal, as Node takes <c>next(err)</c>.
    /// </summary>
    internal Namespace? ResolveNamespace(string name, JsonElement? auth, string sid)
    {
        if (_namespaces.TryGetValue(name, out var nsp))
        {
            return nsp;
        }

        var credentials = auth ?? Handshake.EmptyAuth;
        foreach (var parent in System.Threading.Volatile.Read(ref _parents))
        {
            if (Accepts(parent, name, credentials, sid))
            {
                var child = _namespaces.GetOrAdd(name, static (n, state) => new Namespace(state.Server, n, state.Parent), (Server: this, Parent: parent));
                child.Parent?.AddChild(child);
                return child;
            }
        }

        return null;
    }

    internal void RemoveChild(Namespace child)
    {
        if (_namespaces.TryRemove(new KeyValuePair<string, Namespace>(child.Name, child)))
        {
            child.Parent?.RemoveChild(child);
            child.Adapter.Close();
        }
    }

    private bool Accepts(ParentNamespace parent, string name, JsonElement auth, string sid)
    {
        try
        {
            return parent.Matches(name, auth);
        }
        catch (Exception e)
        {
            SocketIOLog.NamespaceRuleFailed(Logger, sid, name, e);
            return false;
        }
    }
}
