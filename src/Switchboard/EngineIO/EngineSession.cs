using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.EngineIO.Packets;
using Switchboard.EngineIO.Transports;

namespace Switchboard.EngineIO;

/// <summary>Receives one message of a session. The data is valid only during the call.</summary>
/// <param name="session">The session the message arrived on.</param>
/// <param name="data">UTF-8 text, or raw bytes when <paramref name="isBinary"/> is true.</param>
/// <param name="isBinary">True for a binary message.</param>
public delegate void EngineMessageHandler(EngineSession session, ReadOnlySpan<byte> data, bool isBinary);

/// <summary>Learns that a session closed, and why (reference reason names such as <c>ping timeout</c>).</summary>
public delegate void EngineCloseHandler(EngineSession session, string reason);

/// <summary>
/// One Engine.IO session: a client connection that outlives the transport it started on.
/// Same as the <c>Socket</c> of Node's engine.io. Packets are queued to a bounded outbox that the
/// current transport drains with a single writer, so senders never contend on the connection.
/// </summary>
public sealed class EngineSession
{
    private static readonly EnginePacket[] PingGroup = [EnginePacket.Ping];
    private static readonly EnginePacket[] CloseGroup = [EnginePacket.Close];

    private readonly EngineServer _server;
    private readonly SendQueue<EnginePacket[]> _outbox;
    private readonly Lock _gate = new();
    private readonly Lock _receiveGate = new();
    private readonly ITimer _heartbeat;
    private EngineTransport _transport;
    private bool _upgrading;
    private WebSocketTransport? _probe;
    private bool _awaitingPong;
    private bool _pingTimeoutRefreshed;
    private int _state; // 0 open, 1 closing (flushing before close), 2 closed

    internal EngineSession(EngineServer server, EngineRequest request, EngineTransport transport)
    {
        _server = server;
        Request = request;
        _transport = transport;
        Id = Ids.New();
        _outbox = new SendQueue<EnginePacket[]>(server.Options.MaxSendQueueLength);
        _heartbeat = server.TimeProvider.CreateTimer(static s => ((EngineSession)s!).OnHeartbeatTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised for every message the client sends, in order.</summary>
    public event EngineMessageHandler? Message;

    /// <summary>Raised once when the session closes.</summary>
    public event EngineCloseHandler? Closed;

    /// <summary>The session id (<c>sid</c>): 120 random bits, URL-safe base64.</summary>
    public string Id { get; }

    /// <summary>The request that opened the session.</summary>
    public EngineRequest Request { get; }

    /// <summary>The name of the current transport: <c>polling</c> or <c>websocket</c>.</summary>
    public string Transport => _transport.Name;

    /// <summary>True until the session starts closing.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == 0;

    internal EngineServer Server => _server;

    internal ILogger Logger => _server.Logger;

    internal SendQueue<EnginePacket[]> Outbox => _outbox;

    internal bool IsUpgrading => Volatile.Read(ref _upgrading);

    internal bool IsClosed => Volatile.Read(ref _state) == 2;

    /// <summary>Why the session closed; null while it is open.</summary>
    internal string? CloseReason { get; private set; }

    /// <summary>Queues a text message.</summary>
    /// <returns>False when the session is closed or the client is too slow to keep up (it is then disconnected).</returns>
    public bool Send(string text) => Send([EnginePacket.Text(EnginePacketType.Message, text)]);

    /// <summary>Queues a binary message. The array is sent as is; do not change it afterwards.</summary>
    /// <returns>False when the session is closed or the client is too slow to keep up (it is then disconnected).</returns>
    public bool Send(byte[] data) => Send([EnginePacket.Binary(data)]);

    /// <summary>
    /// Queues packets that must leave together and in order (a Socket.IO packet and its binary
    /// attachments). The array is shared, not copied, so one encoded broadcast serves every recipient.
    /// </summary>
    /// <returns>False when the session is closed or the client is too slow to keep up (it is then disconnected).</returns>
    public bool Send(EnginePacket[] packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (Volatile.Read(ref _state) != 0)
        {
            return false;
        }

        if (Volatile.Read(ref _transport).TryWriteThrough(packets) || _outbox.TryWrite(packets))
        {
            return true;
        }

        if (Volatile.Read(ref _state) == 0)
        {
            // Off this thread: the sender may be mid-broadcast, holding the adapter's lock.
            EngineLog.SendQueueFull(Logger, Id, _server.Options.MaxSendQueueLength);
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Abort("transport error"), this, preferLocal: false);
        }

        return false;
    }

    /// <summary>
    /// Queues packets only if the client can take them right now: nothing else waiting for it, no
    /// upgrade under way, and a transport ready to write (a WebSocket, or a long-poll request that is
    /// waiting). Otherwise they are dropped. This is what Node's <c>volatile</c> flag means.
    /// </summary>
    /// <returns>True when the packets were queued.</returns>
    public bool TrySendNow(EnginePacket[] packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (_outbox.Count > 0 || IsUpgrading || !_transport.IsWritable)
        {
            return false;
        }

        return Send(packets);
    }

    /// <summary>
    /// Closes the session after the packets already queued have been sent. Same as Node's
    /// <c>socket.close()</c>; the close reason is <c>forced close</c>.
    /// </summary>
    public void Close()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        // The close marker gets in even when the outbox is full.
        _outbox.TryComplete(CloseGroup);

        // A polling client may never poll again to collect the close packet.
        _heartbeat.Change(_server.Options.CloseTimeout, Timeout.InfiniteTimeSpan);
    }

    internal void Start()
    {
        EngineLog.SessionOpened(Logger, Id, Transport);
        _heartbeat.Change(_server.Options.PingInterval, Timeout.InfiniteTimeSpan);
    }

    internal void EnqueueOpenPacket(EnginePacket open) => _outbox.TryWrite([open]);

    /// <summary>Handles one packet from the current transport.</summary>
    internal void OnPacket(EnginePacketType type, ReadOnlySpan<byte> data, bool isBinary)
    {
        if (IsClosed)
        {
            return;
        }

        switch (type)
        {
            case EnginePacketType.Message:
                RefreshPingTimeout();
                DeliverMessage(data, isBinary);
                break;
            case EnginePacketType.Pong:
                OnPong();
                break;
            case EnginePacketType.Close:
                Abort("transport close");
                break;
            case EnginePacketType.Ping:
                // In v4 only the server pings; a client ping outside an upgrade probe is an error.
                EngineLog.ProtocolViolation(Logger, Id, "invalid heartbeat direction");
                Abort("transport error");
                break;
            default:
                // The reference ignores open, upgrade and noop packets on the current transport.
                break;
        }
    }

    /// <summary>Reports a malformed packet from the client: the reference closes with <c>parse error</c>.</summary>
    internal void OnParseError(DecodeStatus status)
    {
        EngineLog.ProtocolViolation(Logger, Id, $"undecodable packet ({status})");
        Abort("parse error");
    }

    internal bool TryBeginUpgrade()
    {
        lock (_gate)
        {
            if (_state != 0 || _upgrading || _transport is not PollingTransport)
            {
                return false;
            }

            _upgrading = true;
            return true;
        }
    }

    internal void OnUpgradeProbe()
    {
        if (_transport is PollingTransport polling)
        {
            polling.Wake();
        }
    }

    /// <summary>
    /// Registers the WebSocket of the upgrade begun by <see cref="TryBeginUpgrade"/>, so that closing
    /// the session also drops it; false when the session closed meanwhile.
    /// </summary>
    internal bool AttachProbe(WebSocketTransport probe)
    {
        lock (_gate)
        {
            if (_state == 2 || !_upgrading)
            {
                return false;
            }

            _probe = probe;
            return true;
        }
    }

    internal bool CompleteUpgrade(WebSocketTransport webSocket)
    {
        PollingTransport? polling;
        lock (_gate)
        {
            if (!ReferenceEquals(_probe, webSocket))
            {
                return false;
            }

            _upgrading = false;
            _probe = null;
            if (_state == 2)
            {
                return false;
            }

            polling = _transport as PollingTransport;
            _transport = webSocket;
        }

        polling?.Wake();
        EngineLog.Upgraded(Logger, Id);
        return true;
    }

    /// <summary>
    /// Ends the upgrade of <paramref name="probe"/> (null: the one whose WebSocket never opened); the
    /// session stays on polling. An upgrade begun since by another WebSocket is left alone.
    /// </summary>
    internal void CancelUpgrade(WebSocketTransport? probe)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_probe, probe))
            {
                _upgrading = false;
                _probe = null;
            }
        }
    }

    internal EngineTransport CurrentTransport => _transport;

    internal bool IsCurrent(EngineTransport transport) => ReferenceEquals(_transport, transport);

    /// <summary>Closes at once, without flushing: for ping timeouts, transport failures and client closes.</summary>
    internal void Abort(string reason)
    {
        if (Finish(reason))
        {
            _transport.Shutdown();
        }
    }

    /// <summary>Marks the session closed and raises <see cref="Closed"/> once.</summary>
    internal bool Finish(string reason)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return false;
        }

        CloseReason = reason;
        _heartbeat.Dispose();
        _outbox.Complete();
        _server.Remove(this);
        EngineLog.SessionClosed(Logger, Id, reason);

        // The reference drops an upgrade in progress when its session closes.
        WebSocketTransport? probe;
        lock (_gate)
        {
            probe = _probe;
        }

        probe?.Shutdown();
        try
        {
            Closed?.Invoke(this, reason);
        }
        catch (Exception e)
        {
            EngineLog.HandlerFailed(Logger, Id, e);
        }

        return true;
    }

    private void DeliverMessage(ReadOnlySpan<byte> data, bool isBinary)
    {
        // Polling POSTs and a WebSocket can overlap during an upgrade; handlers see one message at a time.
        lock (_receiveGate)
        {
            try
            {
                Message?.Invoke(this, data, isBinary);
            }
            catch (Exception e)
            {
                EngineLog.HandlerFailed(Logger, Id, e);
            }
        }
    }

    /// <summary>
    /// A client busy sending may answer a ping late; like engine.io 6.6, the first message while a
    /// pong is awaited restarts the ping timeout, once per ping.
    /// </summary>
    private void RefreshPingTimeout()
    {
        if (!Volatile.Read(ref _awaitingPong))
        {
            return;
        }

        lock (_gate)
        {
            if (_awaitingPong && !_pingTimeoutRefreshed && _state == 0)
            {
                _pingTimeoutRefreshed = true;
                _heartbeat.Change(_server.Options.PingTimeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnPong()
    {
        lock (_gate)
        {
            if (!_awaitingPong || _state != 0)
            {
                return;
            }

            _awaitingPong = false;
            _heartbeat.Change(_server.Options.PingInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnHeartbeatTimer()
    {
        bool timedOut;
        lock (_gate)
        {
            if (_state == 1)
            {
                // Close() is still waiting for a polling client to collect the close packet.
                timedOut = false;
            }
            else if (_state != 0)
            {
                return;
            }
            else
            {
                timedOut = _awaitingPong;
                if (!timedOut)
                {
                    _awaitingPong = true;
                    _pingTimeoutRefreshed = false;
                    _heartbeat.Change(_server.Options.PingTimeout, Timeout.InfiniteTimeSpan);
                }
            }
        }

        if (Volatile.Read(ref _state) == 1)
        {
            Abort("forced close");
        }
        else if (timedOut)
        {
            Abort("ping timeout");
        }
        else
        {
            _outbox.TryWrite(PingGroup);
        }
    }
}
