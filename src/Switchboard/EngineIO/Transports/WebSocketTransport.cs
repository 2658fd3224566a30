using System.Buffers;
using System.Net.WebSockets;
using Switchboard.EngineIO.Packets;

namespace Switchboard.EngineIO.Transports;

/// <summary>
/// The WebSocket transport: one receive loop and, once the session is on this transport, one
/// writer loop that drains the session's outbox. During an upgrade the receive loop answers the
/// probe itself and hands the session over when the client sends the upgrade packet.
/// </summary>
internal sealed class WebSocketTransport(WebSocket socket) : EngineTransport
{
    private const int InitialBufferSize = 4096;
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stop = new();
    private EngineSession _session = null!;
    private ITimer? _upgradeTimeout;
    private Task? _writer;

    public override string Name => "websocket";

    /// <summary>
    /// The writer sees the completed outbox and sends a close frame; the receive loop is stopped
    /// shortly after in case the client never answers it.
    /// </summary>
    public override void Shutdown()
    {
        if (_writer is null)
        {
            _stop.Cancel();
        }
        else
        {
            _stop.CancelAfter(CloseGrace);
        }
    }

    /// <summary>Serves a session that was opened over WebSocket.</summary>
    public async Task RunAsync(EngineSession session)
    {
        _session = session;
        _writer = WriteLoopAsync();
        await ReceiveLoopAsync(probing: false).ConfigureAwait(false);
    }

    /// <summary>Serves an upgrade of a polling session; the session stays on polling if it fails.</summary>
    public async Task RunUpgradeAsync(EngineSession session)
    {
        _session = session;
        _upgradeTimeout = session.Server.TimeProvider.CreateTimer(
            static s => ((WebSocketTransport)s!)._stop.Cancel(), this, session.Server.Options.UpgradeTimeout, Timeout.InfiniteTimeSpan);
        var upgraded = await ReceiveLoopAsync(probing: true).ConfigureAwait(false);
        _upgradeTimeout.Dispose();
        if (!upgraded)
        {
            _session.CancelUpgrade();
        }
    }

    /// <summary>Runs the receive loop; returns whether an upgrade completed (only meaningful when probing).</summary>
    private async Task<bool> ReceiveLoopAsync(bool probing)
    {
        var limit = _session.Server.Options.MaxHttpBufferSize;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var count = 0;
        var reason = "transport close";
        var upgraded = !probing;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    buffer = Grow(buffer, count);
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(count), _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                count += result.Count;
                if (count > limit)
                {
                    EngineLog.ProtocolViolation(_session.Logger, _session.Id, $"WebSocket message over {limit} bytes");
                    await CloseQuietlyAsync(WebSocketCloseStatus.MessageTooBig, "Max payload size exceeded").ConfigureAwait(false);
                    reason = "transport error";
                    break;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                var message = buffer.AsSpan(0, count);
                count = 0;
                var binary = result.MessageType == WebSocketMessageType.Binary;
                if (!upgraded)
                {
                    if (!await OnProbePacketAsync(message.ToArray(), binary).ConfigureAwait(false))
                    {
                        await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
                        return false;
                    }

                    upgraded = !_session.IsUpgrading && _session.IsCurrent(this);
                    if (upgraded)
                    {
                        _upgradeTimeout?.Dispose();
                        _writer = WriteLoopAsync();
                        probing = false;
                    }

                    continue;
                }

                if (binary)
                {
                    _session.OnPacket(EnginePacketType.Message, message, isBinary: true);
                }
                else if (EngineFrame.TryDecodeText(message, out var type) is var status && status != DecodeStatus.Ok)
                {
                    _session.OnParseError(status);
                    break;
                }
                else
                {
                    _session.OnPacket(type, message[1..], isBinary: false);
                }

                if (_session.IsClosed)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the session (closed, ping timeout) or by the upgrade timeout.
        }
        catch (WebSocketException e)
        {
            EngineLog.TransportFailed(_session.Logger, _session.Id, e);
            reason = e.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely ? "transport close" : "transport error";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (probing)
        {
            if (_session.IsUpgrading)
            {
                EngineLog.UpgradeFailed(_session.Logger, _session.Id, "timed out or closed before the upgrade packet");
            }

            await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
            return false;
        }

        if (_session.IsCurrent(this))
        {
            _session.Abort(reason);
        }

        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        return upgraded;
    }

    /// <summary>Handles a packet of the upgrade handshake; false ends the upgrade.</summary>
    private async Task<bool> OnProbePacketAsync(byte[] message, bool binary)
    {
        if (binary || EngineFrame.TryDecodeText(message, out var type) != DecodeStatus.Ok)
        {
            EngineLog.UpgradeFailed(_session.Logger, _session.Id, "malformed packet during the probe");
            return false;
        }

        if (type == EnginePacketType.Ping && message.AsSpan(1).SequenceEqual("probe"u8))
        {
            await socket.SendAsync(EnginePacket.PongProbe.Frame, WebSocketMessageType.Text, true, _stop.Token).ConfigureAwait(false);
            _session.OnUpgradeProbe();
            return true;
        }

        if (type == EnginePacketType.Upgrade && _session.IsUpgrading)
        {
            return _session.CompleteUpgrade(this);
        }

        EngineLog.UpgradeFailed(_session.Logger, _session.Id, $"unexpected packet {type} during the probe");
        return false;
    }

    private async Task WriteLoopAsync()
    {
        var outbox = _session.Outbox;
        try
        {
            while (await outbox.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (outbox.TryRead(out var group))
                {
                    foreach (var packet in group)
                    {
                        if (packet == EnginePacket.Close)
                        {
                            // Closed before the close frame leaves, so the client never finds the sid still known.
                            _session.Finish("forced close");
                            await CloseQuietlyAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
                            return;
                        }

                        var type = packet.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
                        await socket.SendAsync(packet.Frame, type, endOfMessage: true, _stop.Token).ConfigureAwait(false);
                    }
                }
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

    private async Task CloseQuietlyAsync(WebSocketCloseStatus status, string? description)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private static byte[] Grow(byte[] buffer, int count)
    {
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
