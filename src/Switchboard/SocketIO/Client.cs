using Switchboard.EngineIO;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>
/// One Engine.IO session seen from Socket.IO: decodes its messages into packets and routes them
/// to the sockets it holds, one per joined namespace. Same role as Node's socket.io <c>Client</c>.
/// </summary>
internal sealed class Client
{
    private readonly SocketIOServer _server;
    private readonly ISocketPacketDecoder _decoder;
    private readonly Dictionary<string, Socket> _sockets = new(StringComparer.Ordinal);
    private HashSet<string>? _connecting;
    private readonly Lock _gate = new();
    private ITimer? _connectTimeout;

    public Client(SocketIOServer server, EngineSession session)
    {
        _server = server;
        Session = session;
        _decoder = server.Parser.CreateDecoder(server.Options.MaxAttachments);
        session.Message += OnMessage;
        session.Closed += OnClosed;
        _connectTimeout = server.Engine.TimeProvider.CreateTimer(
            static s => ((Client)s!).OnConnectTimeout(), this, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public EngineSession Session { get; }

    public void Send(EnginePacket[] packets) => Session.Send(packets);

    public void Add(Socket socket)
    {
        lock (_gate)
        {
            _sockets[socket.Namespace.Name] = socket;
        }
    }

    public void Remove(Socket socket)
    {
        lock (_gate)
        {
            _sockets.Remove(socket.Namespace.Name);
        }
    }

    /// <summary>Disconnects every socket (each client is told) and then closes the connection.</summary>
    public void DisconnectAll()
    {
        foreach (var socket in Snapshot())
        {
            socket.Disconnect();
        }

        Close();
    }

    /// <summary>Closes the connection; the sockets left get the reason the reference gives them.</summary>
    public void Close()
    {
        if (!Session.IsOpen)
        {
            return;
        }

        // Node's WebSocket transport closes synchronously ("forced close"); polling defers it.
        var reason = Session.Transport == "websocket" ? DisconnectReason.ForcedClose : DisconnectReason.ForcedServerClose;
        Session.Close();
        CloseSockets(reason);
    }

    public void CloseSockets(string reason)
    {
        foreach (var socket in Snapshot())
        {
            socket.OnClose(reason);
        }
    }

    private void OnMessage(EngineSession session, ReadOnlySpan<byte> data, bool isBinary)
    {
        var status = isBinary ? _decoder.DecodeBinary(data, out var packet) : _decoder.DecodeText(data, out packet);
        if (status != SocketDecodeStatus.Ok)
        {
            SocketIOLog.DecodeFailed(_server.Logger, session.Id, status.ToString());
            Close();
            return;
        }

        if (packet is not null)
        {
            OnPacket(packet);
        }
    }

    private void OnPacket(SocketPacket packet)
    {
        Socket? socket;
        bool connecting;
        lock (_gate)
        {
            _sockets.TryGetValue(packet.Namespace, out socket);
            connecting = socket is null && packet.Type == SocketPacketType.Connect
                && (_connecting ??= new(StringComparer.Ordinal)).Add(packet.Namespace);
        }

        if (connecting)
        {
            _ = ConnectAsync(packet);
        }
        else if (socket is not null && packet.Type is not (SocketPacketType.Connect or SocketPacketType.ConnectError))
        {
            socket.OnPacket(packet);
        }
        else
        {
            SocketIOLog.InvalidState(_server.Logger, Session.Id, packet.Type.ToString(), packet.Namespace);
            Close();
        }
    }

    private async Task ConnectAsync(SocketPacket packet)
    {
        StopConnectTimeout();
        try
        {
            var nsp = _server.ResolveNamespace(packet.Namespace, packet.Data, Session.Id);
            if (nsp is null)
            {
                SocketIOLog.InvalidNamespace(_server.Logger, Session.Id, packet.Namespace);
                Send([_server.Parser.EncodeConnectError(packet.Namespace, "Invalid namespace", null, _server.JsonOptions)]);
                return;
            }

            if (await nsp.ConnectAsync(this, packet.Data).ConfigureAwait(false) is { } socket)
            {
                // Events that arrived meanwhile wait until the handlers have registered their listeners.
                var handlers = nsp.RunConnectionHandlersAsync(socket);
                socket.OnConnectionHandlersStarted();
                await handlers.ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(_server.Logger, Session.Id, "connect", e);
            Close();
        }
        finally
        {
            lock (_gate)
            {
                // Dropped when empty: a client connects once per namespace, and an idle one should not keep the set.
                if (_connecting!.Remove(packet.Namespace) && _connecting.Count == 0)
                {
                    _connecting = null;
                }
            }
        }
    }

    private void OnConnectTimeout()
    {
        lock (_gate)
        {
            if (_sockets.Count > 0)
            {
                return;
            }
        }

        SocketIOLog.ConnectTimeout(_server.Logger, Session.Id);
        Close();
    }

    private void OnClosed(EngineSession session, string reason)
    {
        StopConnectTimeout();
        CloseSockets(reason);
    }

    // Dropped, not only disposed: an idle connection should not keep the timer's objects alive.
    private void StopConnectTimeout() => Interlocked.Exchange(ref _connectTimeout, null)?.Dispose();

    private Socket[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _sockets.Values];
        }
    }
}
