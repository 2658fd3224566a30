using System.Net.WebSockets;
using Switchboard.Buffers;
using Switchboard.Connections;
using Switchboard.EngineIO.Packets;

namespace Switchboard.EngineIO.Transports;

/// <summary>
/// The WebSocket transport: one receive loop and, once the session is on this transport, one
/// writer loop that drains the session's outbox. During an upgrade the receive loop answers the
/// probe itself and hands the session over when the client sends the upgrade packet.
/// </summary>
internal sealed class WebSocketTransport(WebSocket socket, MessageSender sender) : EngineTransport
{
    private const int Probing = 0;
    private const int Upgraded = 1;
    private const int ProbeFailed = 2;
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);
    private EngineSession _session = null!;
    private ITimer? _upgradeTimeout;
    private Task? _writer;
    private Task _probeClosed = Task.CompletedTask;

    // A session opened over WebSocket is on this transport from the start.
    private int _probeState = Upgraded;

    public override string Name => "websocket";

    /// <summary>
    /// The writer sees the completed outbox and sends a close frame; the WebSocket is aborted
    /// shortly after in case the client never answers it. An upgrade in progress is dropped.
    /// </summary>
    public override void Shutdown()
    {
        if (Volatile.Read(ref _probeState) == Probing)
        {
            FailProbe("the session closed");
            return;
        }

        AbortAfterGrace();
    }

    /// <summary>Serves a session that was opened over WebSocket.</summary>
    public Task RunAsync(EngineSession session)
    {
        _session = session;
        _writer = WriteLoopAsync();
        return ReceiveLoopAsync();
    }

    /// <summary>Serves an upgrade of a polling session; the session stays on polling if it fails.</summary>
    public async Task RunUpgradeAsync(EngineSession session)
    {
        _session = session;
        _probeState = Probing;
        if (!session.AttachProbe(this))
        {
            // The session closed between the verification and the 101.
            _probeState = ProbeFailed;
            await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
            return;
        }

        _upgradeTimeout = session.Server.TimeProvider.CreateTimer(
            static s => ((WebSocketTransport)s!).FailProbe("timed out before the upgrade packet"), this, session.Server.Options.UpgradeTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            _upgradeTimeout.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var limit = _session.Server.Options.MaxHttpBufferSize;
        using var reader = new WebSocketMessageReader(socket, limit);
        var reason = "transport close";
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync().ConfigureAwait(false);
                if (read is WebSocketRead.Close or WebSocketRead.Ended)
                {
                    break;
                }

                if (read == WebSocketRead.TooBig)
                {
                    EngineLog.ProtocolViolation(_session.Logger, _session.Id, $"WebSocket message over {limit} bytes");
                    await CloseQuietlyAsync(WebSocketCloseStatus.MessageTooBig, "Max payload size exceeded").ConfigureAwait(false);
                    reason = "transport error";
                    break;
                }

                var binary = reader.MessageType == WebSocketMessageType.Binary;
                var keepGoing = Volatile.Read(ref _probeState) != Upgraded
                    ? await OnProbePacketAsync(reader.Message.ToArray(), binary).ConfigureAwait(false)
                    : Dispatch(reader.Message.Span, binary);
                if (!keepGoing)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted: the client did not answer a close frame in time.
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.Faulted)
        {
            // A frame that breaks RFC 6455 (text that is not UTF-8, a bad opcode, …): the WebSocket
            // has already answered with the matching close status (1007, 1002).
            EngineLog.ProtocolViolation(_session.Logger, _session.Id, $"invalid WebSocket frame: {e.Message}");
            reason = "transport error";
        }
        catch (WebSocketException e)
        {
            EngineLog.TransportFailed(_session.Logger, _session.Id, e);
            reason = e.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely ? "transport close" : "transport error";
        }

        if (Volatile.Read(ref _probeState) != Upgraded)
        {
            FailProbe("closed before the upgrade packet");
            await _probeClosed.ConfigureAwait(false);
            return;
        }

        if (_session.IsCurrent(this))
        {
            _session.Abort(reason);
        }

        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }
        else
        {
            await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
    }

    /// <summary>Hands one message of the current transport to the session; false ends the receive loop.</summary>
    private bool Dispatch(ReadOnlySpan<byte> message, bool binary)
    {
        if (binary)
        {
            _session.OnPacket(EnginePacketType.Message, message, isBinary: true);
        }
        else if (EngineFrame.IsBase64Binary(message))
        {
            // A client without binary support (the reference's b64 mode) sends "b" + base64.
            if (EngineFrame.TryDecodeBase64Binary(message, out var data) is var base64Status && base64Status != DecodeStatus.Ok)
            {
                _session.OnParseError(base64Status);
                return false;
            }

            _session.OnPacket(EnginePacketType.Message, data, isBinary: true);
        }
        else if (EngineFrame.TryDecodeText(message, out var type) is var status && status != DecodeStatus.Ok)
        {
            _session.OnParseError(status);
            return false;
        }
        else
        {
            _session.OnPacket(type, message[1..], isBinary: false);
        }

        return !_session.IsClosed;
    }

    /// <summary>Handles a packet of the upgrade handshake; false ends the upgrade.</summary>
    private async Task<bool> OnProbePacketAsync(byte[] message, bool binary)
    {
        if (Volatile.Read(ref _probeState) != Probing)
        {
            // Timed out or dropped: the close frame is on its way; ignore what crosses it.
            return false;
        }

        if (binary || EngineFrame.TryDecodeText(message, out var type) != DecodeStatus.Ok)
        {
            FailProbe("malformed packet during the probe");
            return false;
        }

        if (type == EnginePacketType.Ping && message.AsSpan(1).SequenceEqual("probe"u8))
        {
            await SendAsync(EnginePacket.PongProbe.Frame, WebSocketMessageType.Text, compress: true).ConfigureAwait(false);
            await sender.FlushAsync().ConfigureAwait(false);
            _session.OnUpgradeProbe();
            return true;
        }

        if (type != EnginePacketType.Upgrade)
        {
            FailProbe($"unexpected packet {type} during the probe");
            return false;
        }

        // The reference accepts the upgrade packet even without a probe before it.
        if (Interlocked.CompareExchange(ref _probeState, Upgraded, Probing) != Probing)
        {
            return false;
        }

        _upgradeTimeout?.Dispose();
        if (!_session.CompleteUpgrade(this))
        {
            // The session closed at the same moment.
            Volatile.Write(ref _probeState, ProbeFailed);
            _probeClosed = CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null);
            return false;
        }

        _writer = WriteLoopAsync();
        return true;
    }

    /// <summary>
    /// Ends the upgrade once (timeout, bad packet, the client or the session went away): the
    /// session stays on polling and this WebSocket gets a close frame.
    /// </summary>
    private void FailProbe(string detail)
    {
        if (Interlocked.CompareExchange(ref _probeState, ProbeFailed, Probing) != Probing)
        {
            return;
        }

        EngineLog.UpgradeFailed(_session.Logger, _session.Id, detail);
        _session.CancelUpgrade(this);
        _probeClosed = CloseProbeAsync();
    }

    private async Task CloseProbeAsync()
    {
        await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        AbortAfterGrace();
    }

    // The receive loop waits for the client's close frame and the writer for the client to take its
    // data, but not forever. An abort ends both, so no cancellation token is held while idle.
    private void AbortAfterGrace() => _ = DrainBeforeAbort.AbortLaterAsync(socket.Abort, CloseGrace);

    private async Task WriteLoopAsync()
    {
        var outbox = _session.Outbox;
        try
        {
            while (await outbox.WaitToReadAsync().ConfigureAwait(false))
            {
                await sender.BeginBatchAsync().ConfigureAwait(false);
                while (outbox.TryRead(out var group))
                {
                    foreach (var packet in group)
                    {
                        if (packet == EnginePacket.Close)
                        {
                            await sender.FlushAsync().ConfigureAwait(false);

                            // Closed before the close frame leaves, so the client never finds the sid still known.
                            _session.Finish("forced close");
                            await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
                            return;
                        }

                        await SendAsync(packet.Frame, packet.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, packet.Compress).ConfigureAwait(false);
                    }
                }

                // Everything queued so far leaves together.
                await sender.FlushAsync().ConfigureAwait(false);
            }

            // The outbox completes when the session closes: say goodbye if the socket is still up.
            await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException e)
        {
            EngineLog.TransportFailed(_session.Logger, _session.Id, e);
            _session.Abort("transport error");
        }
    }

    /// <summary>
    /// Writes a broadcast's or an emit's packets from the sending thread when the session is on this
    /// transport and nothing waits in its outbox: the common case, which then skips a wake-up of the
    /// writer loop per recipient.
    /// </summary>
    public override bool TryWriteThrough(EnginePacket[] packets)
    {
        if (Volatile.Read(ref _probeState) != Upgraded || Volatile.Read(ref _writer) is null || !sender.TryBeginWriteThrough(_session.Outbox))
        {
            return false;
        }

        foreach (var packet in packets)
        {
            sender.WriteThrough(packet.Frame, packet.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text);
        }

        sender.EndWriteThrough();
        return true;
    }

    /// <summary>
    /// Sends one message; under the permessage-deflate threshold, or for a packet sent with
    /// compression off, it goes uncompressed, as the reference sends it. The flag is ignored when
    /// the client did not negotiate compression.
    /// </summary>
    private ValueTask SendAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type, bool compress)
    {
        var flags = compress && frame.Length >= (_session.Server.Options.PerMessageDeflate?.Threshold ?? int.MaxValue)
            ? WebSocketMessageFlags.EndOfMessage
            : WebSocketMessageFlags.EndOfMessage | WebSocketMessageFlags.DisableCompression;
        return sender.SendAsync(frame, type, flags);
    }

    private async Task CloseQuietlyAsync(WebSocketCloseStatus status, string? description)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CloseGrace);
            await socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }
}
