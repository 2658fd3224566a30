using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Switchboard.Connections;

/// <summary>
/// Puts a connection's outgoing messages on the wire, one WebSocket frame per message. A WebSocket
/// taken over by the hand-off gets its frames written here, straight into the connection's output
/// pipe (RFC 6455 section 5.2; a server's frames are unmasked, so a broadcast's encoded bytes go to
/// every recipient as they are, behind a header of 2 to 10 bytes): by the sending thread itself
/// when nothing is queued for the connection (a write-through, as a WebSocket send in the
/// broadcasting loop would be, without waking the writer loop), and otherwise by the writer loop,
/// a batch per flush. .NET's per-message send path (its send lock, a rented buffer, a copy, a flush
/// each) is skipped. A WebSocket served in its request sends through .NET's WebSocket as before.
/// </summary>
internal sealed class MessageSender(WebSocket socket, PipeStream? stream)
{
    // Kestrel's socket transport holds back a writer past 64 KiB unsent (SocketTransportOptions.MaxWriteBufferSize).
    private const int FlushThreshold = 64 * 1024;
    private const int MaxHeaderLength = 10;

    // Whether the writer loop holds the stream's write gate (between BeginBatchAsync or SendAsync and FlushAsync).
    private bool _holdingGate;

    /// <summary>
    /// Starts a batch of the writer loop: after a hand-off it takes the write gate, so no
    /// write-through overtakes what the loop is about to take from its queue.
    /// </summary>
    public ValueTask BeginBatchAsync()
    {
        if (stream is null || _holdingGate)
        {
            return default;
        }

        if (stream.TryEnterWrite())
        {
            _holdingGate = true;
            return default;
        }

        return EnterAsync();
    }

    /// <summary>
    /// Writes one whole message for the writer loop. After a hand-off it is buffered until
    /// <see cref="FlushAsync"/>; <paramref name="flags"/> matter only to .NET's WebSocket
    /// (compression is never negotiated for a handed-off WebSocket).
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, WebSocketMessageFlags flags)
    {
        if (stream is null)
        {
            return socket.SendAsync(message, type, flags, CancellationToken.None);
        }

        if (!_holdingGate)
        {
            return EnterThenSendAsync(message, type);
        }

        if (stream.IsDisposed)
        {
            // The gate is never left held: the WebSocket's own writes may be waiting for it.
            _holdingGate = false;
            stream.ExitWrite();
            throw new OperationCanceledException("The WebSocket was aborted.");
        }

        WriteFrame(stream, message.Span, type);

        // A long batch is flushed as it goes, still holding the gate.
        return stream.Output.UnflushedBytes >= FlushThreshold ? FlushHeldAsync(release: false) : default;
    }

    /// <summary>Sends the writer loop's batch and lets other writers through again.</summary>
    public ValueTask FlushAsync() => _holdingGate ? FlushHeldAsync(release: true) : default;

    /// <summary>
    /// Starts a write-through from any thread: true, holding the write gate, when the WebSocket was
    /// handed off, is open, nobody else is writing, and nothing waits in <paramref name="outbox"/>.
    /// The outbox is looked at under the gate, which the writer loop holds while it takes from it,
    /// so a write-through never overtakes anything queued. Follow with <see cref="WriteThrough"/>
    /// and <see cref="EndWriteThrough"/>, with nothing in between that can fail.
    /// </summary>
    public bool TryBeginWriteThrough<T>(SendQueue<T> outbox)
    {
        if (stream is null || outbox.Count != 0 || stream.IsDisposed || !stream.TryEnterWrite())
        {
            return false;
        }

        if (outbox.Count != 0 || stream.CloseWritten || stream.IsDisposed)
        {
            stream.ExitWrite();
            return false;
        }

        return true;
    }

    /// <summary>Frames one message of a write-through.</summary>
    public void WriteThrough(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        try
        {
            WriteFrame(stream!, message.Span, type);
        }
        catch (InvalidOperationException)
        {
            // The connection ended under the write (Kestrel completed the pipe): it goes nowhere.
        }
    }

    /// <summary>
    /// Ends a write-through, flushing what it wrote. The gate is let go once the flush is done, which
    /// takes longer only when the client is behind; sends meanwhile queue for the writer loop.
    /// </summary>
    public void EndWriteThrough()
    {
        // A failed flush is the connection's end, which its receive loop learns of too; a sending thread is not told.
        ValueTask<FlushResult> flushing;
        try
        {
            flushing = stream!.Output.FlushAsync();
        }
        catch (Exception)
        {
            stream!.ExitWrite();
            return;
        }

        if (flushing.IsCompletedSuccessfully)
        {
            _ = flushing.Result;
            stream.ExitWrite();
            return;
        }

        _ = ExitAfterAsync(stream, flushing);
    }

    private static async Task ExitAfterAsync(PipeStream stream, ValueTask<FlushResult> flushing)
    {
        try
        {
            await flushing.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
        finally
        {
            stream.ExitWrite();
        }
    }

    private async ValueTask EnterAsync()
    {
        await stream!.EnterWriteAsync().ConfigureAwait(false);
        _holdingGate = true;
    }

    private async ValueTask EnterThenSendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        await EnterAsync().ConfigureAwait(false);
        await SendAsync(message, type, WebSocketMessageFlags.EndOfMessage).ConfigureAwait(false);
    }

    private async ValueTask FlushHeldAsync(bool release)
    {
        Exception? failure = null;
        try
        {
            // Aborted (its stream disposed): the abort cancelled only the flush pending then, and a
            // flush now would wait for a client that may never read.
            var aborted = stream!.IsDisposed || (await stream.Output.FlushAsync().ConfigureAwait(false)).IsCanceled || stream.IsDisposed;
            if (aborted)
            {
                failure = new OperationCanceledException("The WebSocket was aborted.");
            }
        }
        catch (Exception e)
        {
            // The connection failed under the flush: reported as .NET's WebSocket reports it.
            failure = new WebSocketException(WebSocketError.ConnectionClosedPrematurely, e);
        }

        if (release || failure is not null)
        {
            _holdingGate = false;
            stream!.ExitWrite();
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private static void WriteFrame(PipeStream stream, ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        // After the close frame nothing more may be sent; what is left goes nowhere, as the session is ending.
        if (stream.CloseWritten)
        {
            return;
        }

        var output = stream.Output;
        var header = output.GetSpan(MaxHeaderLength);
        output.Advance(WriteHeader(header, type == WebSocketMessageType.Text ? (byte)0x1 : (byte)0x2, message.Length));
        output.Write(message);
    }

    /// <summary>A final frame's header: FIN and the opcode, then the payload length in 7, 7+16 or 7+64 bits, no mask.</summary>
    private static int WriteHeader(Span<byte> header, byte opcode, int length)
    {
        header[0] = (byte)(0x80 | opcode);
        if (length < 126)
        {
            header[1] = (byte)length;
            return 2;
        }

        if (length <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
            return 4;
        }

        header[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)length);
        return 10;
    }
}
