using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Switchboard.EngineIO.Packets;

namespace Switchboard.EngineIO.Transports;

/// <summary>
/// HTTP long-polling: a GET waits until packets are queued and takes them all as one payload;
/// a POST carries packets from the client. At most one of each may be in flight per session.
/// </summary>
internal sealed class PollingTransport : EngineTransport
{
    private static readonly byte[] OkBody = "ok"u8.ToArray();
    private readonly Lock _gate = new();
    private EngineSession _session = null!;
    private CancellationTokenSource? _pendingGet;
    private bool _postPending;
    private bool _waiting;
    private HttpContext? _readingPost;

    public override string Name => "polling";

    public override bool IsWritable => Volatile.Read(ref _waiting);

    public void Attach(EngineSession session) => _session = session;

    /// <summary>Ends a pending GET early: its session is upgrading or closing.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            _pendingGet?.Cancel();
        }
    }

    public override void Shutdown()
    {
        lock (_gate)
        {
            _pendingGet?.Cancel();

            // Like the reference's dataReq.destroy(): a POST still sending its body is cut off.
            // Under the lock, so the context cannot have been handed to a later request meanwhile.
            _readingPost?.Abort();
        }
    }

    public async Task HandleGetAsync(HttpContext context)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        lock (_gate)
        {
            if (_pendingGet is not null)
            {
                EngineLog.ProtocolViolation(_session.Logger, _session.Id, "overlapping GET");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                _session.Abort("transport error");
                return;
            }

            _pendingGet = wake;
        }

        EngineLog.PollAccepted(_session.Logger, _session.Id, "GET");

        try
        {
            var batch = await NextBatchAsync(wake.Token, context.RequestAborted).ConfigureAwait(false);
            if (batch is null)
            {
                // The client went away while its poll was pending.
                _session.Abort("transport error");
                return;
            }

            // Closed before the response leaves, so a poll that follows it finds the sid unknown.
            if (batch[^1] == EnginePacket.Close)
            {
                _session.Finish("forced close");
            }

            await WritePayloadAsync(context, batch).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pendingGet = null;
            }
        }
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        lock (_gate)
        {
            if (_postPending)
            {
                EngineLog.ProtocolViolation(_session.Logger, _session.Id, "overlapping POST");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                _session.Abort("transport error");
                return;
            }

            _postPending = true;
        }

        EngineLog.PollAccepted(_session.Logger, _session.Id, "POST");

        try
        {
            await ReceiveAsync(context).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _postPending = false;
            }
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        if (context.Request.ContentType == "application/octet-stream")
        {
            // v4 carries binary as base64 text; a raw binary body is a v3 client or a forgery.
            EngineLog.ProtocolViolation(_session.Logger, _session.Id, "binary POST body");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            _session.Abort("transport error");
            return;
        }

        var limit = _session.Server.Options.MaxHttpBufferSize;
        var reader = context.Request.BodyReader;
        ReadResult read;
        SetReadingPost(context);
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (read.Buffer.Length > limit)
                {
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);

                    // Answered, not cut off, although the session closes.
                    SetReadingPost(null);
                    EngineLog.ProtocolViolation(_session.Logger, _session.Id, $"POST body over {limit} bytes");
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    _session.Abort("transport error");
                    return;
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away mid-body ("data request connection closed prematurely"), the
            // session closed and cut this POST off, or Kestrel refused the body (its own size or
            // rate limits): then its status (413, 408, 400) is the answer.
            EngineLog.TransportFailed(_session.Logger, _session.Id, e);
            if (e is BadHttpRequestException refused && !context.Response.HasStarted)
            {
                context.Response.StatusCode = refused.StatusCode;
            }

            _session.Abort("transport error");
            return;
        }
        finally
        {
            SetReadingPost(null);
        }

        var packets = new List<EnginePacket>();
        var status = Decode(read.Buffer, packets);
        reader.AdvanceTo(read.Buffer.End);

        // Packets before a malformed record are delivered, then the session closes; the POST
        // itself is still answered "ok", as the reference does.
        foreach (var packet in packets)
        {
            if (packet.Type == EnginePacketType.Close)
            {
                _session.Abort("transport close");
                break;
            }

            _session.OnPacket(packet.Type, packet.Data.Span, packet.IsBinary);
        }

        if (status != DecodeStatus.Ok)
        {
            _session.OnParseError(status);
        }

        context.Response.ContentType = "text/html";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = 2;
        try
        {
            await context.Response.Body.WriteAsync(OkBody, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client left before its "ok"; what it sent has been handled.
        }
    }

    private void SetReadingPost(HttpContext? context)
    {
        lock (_gate)
        {
            _readingPost = context;
        }
    }

    private static DecodeStatus Decode(ReadOnlySequence<byte> body, List<EnginePacket> packets)
    {
        if (body.IsSingleSegment)
        {
            return EnginePayload.Decode(body.FirstSpan, packets);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(copy);
            return EnginePayload.Decode(copy.AsSpan(0, (int)body.Length), packets);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Waits for queued packets; null when the client aborted its request.</summary>
    private async Task<List<EnginePacket>?> NextBatchAsync(CancellationToken wake, CancellationToken aborted)
    {
        var batch = new List<EnginePacket>();
        var outbox = _session.Outbox;
        var woken = false;
        while (true)
        {
            while (outbox.TryRead(out var group))
            {
                batch.AddRange(group);
                if (group[^1] == EnginePacket.Close)
                {
                    return batch;
                }
            }

            if (_session.IsClosed)
            {
                // A client that closed itself needs no close packet: the reference ends its poll with a noop.
                batch.Add(_session.CloseReason == "transport close" ? EnginePacket.Noop : EnginePacket.Close);
                return batch;
            }

            if (batch.Count > 0)
            {
                return batch;
            }

            // Upgrading or upgraded: the reference forces a polling cycle with a noop.
            if (woken || _session.IsUpgrading || !_session.IsCurrent(this))
            {
                batch.Add(EnginePacket.Noop);
                return batch;
            }

            try
            {
                Volatile.Write(ref _waiting, true);
                if (!await outbox.WaitToReadAsync(wake).ConfigureAwait(false) && !_session.IsClosed)
                {
                    batch.Add(EnginePacket.Close);
                    return batch;
                }
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                woken = true;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            finally
            {
                Volatile.Write(ref _waiting, false);
            }
        }
    }

    private async Task WritePayloadAsync(HttpContext context, List<EnginePacket> batch)
    {
        var response = context.Response;
        response.ContentType = "text/plain; charset=UTF-8";
        response.Headers.CacheControl = "no-store";
        var length = EnginePayload.EncodedLength(batch);
        // As the reference: a poll's answer is compressed when any of its packets may be.
        if (_session.Server.Options.HttpCompression is { } compression && length >= compression.Threshold && batch.Exists(p => p.Compress)
            && PollingCompression.ChooseEncoding(context.Request) is { } encoding)
        {
            await PollingCompression.WriteAsync(response, batch, encoding, compression.Level).ConfigureAwait(false);
            return;
        }

        response.ContentLength = length;
        EnginePayload.Encode(response.BodyWriter, batch);
        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }
}
