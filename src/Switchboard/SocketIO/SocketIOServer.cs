using System.Collections.Concurrent;
using System.Text.Json;
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

    /// <summary>Sends an event to every socket of the main namespace. Same as Node's <c>io.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => Sockets.EmitAsync(eventName, args);

    /// <summary>Targets the members of a room of the main namespace. Same as Node's <c>io.to(room)</c>.</summary>
    public BroadcastOperator To(string room) => Sockets.To(room);

    /// <summary>Targets every socket of the main namespace except a room's members. Same as Node's <c>io.except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => Sockets.Except(room);

    /// <summary>Serves one Engine.IO request; <c>MapSocketIO</c> routes requests here.</summary>
    public Task HandleRequestAsync(HttpContext context) => Engine.HandleRequestAsync(context);

    /// <summary>
    /// Disconnects every socket with reason <c>server shutting down</c> and closes every connection
    /// after what is queued has been sent. Same as Node's <c>io.close()</c>.
    /// </summary>
    public void Close()
    {
        foreach (var nsp in _namespaces.Values)
        {
            foreach (var socket in nsp.SocketsById.Values)
            {
                socket.OnClose(DisconnectReason.ServerShuttingDown);
            }
        }

        Engine.CloseAll();
    }

    internal Namespace? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);
}
