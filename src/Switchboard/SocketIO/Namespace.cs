using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>
/// A communication channel that splits an application over one connection (<c>/</c>, <c>/admin</c>, …):
/// its own connection handlers, sockets and rooms. Same as Node's <c>Namespace</c>.
/// </summary>
public sealed class Namespace
{
    private readonly ConcurrentDictionary<string, Socket> _sockets = new(StringComparer.Ordinal);
    private Func<Socket, Task>? _onConnection;
    private long _nextAckId = -1;

    internal Namespace(SocketIOServer server, string name)
    {
        Server = server;
        Name = name;
        Adapter = new InMemoryAdapter(this);
    }

    /// <summary>The namespace's name, starting with <c>/</c>.</summary>
    public string Name { get; }

    /// <summary>The server the namespace belongs to.</summary>
    public SocketIOServer Server { get; }

    /// <summary>Where the namespace's sockets and rooms are kept.</summary>
    public Adapter Adapter { get; }

    /// <summary>The connected sockets, by id. Same as Node's <c>namespace.sockets</c>.</summary>
    public IReadOnlyDictionary<string, Socket> Sockets => _sockets;

    internal ConcurrentDictionary<string, Socket> SocketsById => _sockets;

    internal ILogger Logger => Server.Logger;

    /// <summary>Registers a handler for new sockets. Same as Node's <c>namespace.on("connection")</c>.</summary>
    public Namespace OnConnection(Action<Socket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnConnection(socket =>
        {
            handler(socket);
            return Task.CompletedTask;
        });
    }

    /// <summary>Registers an asynchronous handler for new sockets.</summary>
    public Namespace OnConnection(Func<Socket, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _onConnection += handler;
        return this;
    }

    /// <summary>Sends an event to every socket of the namespace. Same as Node's <c>namespace.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => new BroadcastOperator(this, [], []).EmitAsync(eventName, args);

    /// <summary>Targets the members of a room. Same as Node's <c>namespace.to(room)</c>.</summary>
    public BroadcastOperator To(string room) => new(this, [room], []);

    /// <summary>Targets every socket except the members of a room. Same as Node's <c>namespace.except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => new(this, [], [room]);

    /// <summary>Disconnects every socket of the namespace (and with <paramref name="close"/>, their connections). Same as Node's <c>disconnectSockets</c>.</summary>
    public void DisconnectSockets(bool close = false)
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Disconnect(close);
        }
    }

    internal long NextAckId() => Interlocked.Increment(ref _nextAckId);

    internal Socket Connect(Client client, JsonElement? auth)
    {
        var socket = new Socket(this, client, new Handshake(client.Session.Request, auth));
        _sockets[socket.Id] = socket;
        Adapter.Add(socket.Id, socket.Id);
        client.Send([Server.Parser.EncodeConnect(Name, socket.Id, null)]);
        SocketIOLog.SocketConnected(Logger, socket.Id, Name, client.Session.Id);
        return socket;
    }

    internal async Task RunConnectionHandlersAsync(Socket socket)
    {
        if (_onConnection is null)
        {
            return;
        }

        foreach (var handler in _onConnection.GetInvocationList())
        {
            try
            {
                await ((Func<Socket, Task>)handler)(socket).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SocketIOLog.HandlerFailed(Logger, socket.Id, "connection", e);
            }
        }
    }

    internal void Remove(Socket socket)
    {
        Adapter.RemoveAll(socket.Id);
        _sockets.TryRemove(socket.Id, out _);
    }
}
