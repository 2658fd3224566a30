using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;

namespace Switchboard.Connections;

/// <summary>
/// Puts a connection's outgoing messages on the wire for its writer loop, one WebSocket frame per
/// message, and leaves each batch in one flush. A WebSocket taken over by the hand-off gets its
/// frames written here, straight into the connection's output pipe (RFC 6455 section 5.2; a
/// server's frames are unmasked, so a broadcast's encoded bytes go to every recipient as they are,
/// behind a header of 2 to 10 bytes); the only copy is into the pipe, and .NET's per-message send
/// path (its send lock, a rented buffer, a copy, a flush) is skipped. A WebSocket served in its
/// request sends through .NET's WebSocket as before.
/// </summary>
internal sealed class MessageSender(WebSocket socket, PipeStream? stream)
{
    // Kestrel's socket transport holds back a writer past 64 KiB unsent (SocketTransportOptions.MaxWriteBufferSize).
    private const int FlushThreshold = 64 * 1024;
    private const int MaxHeaderLength = 10;

    private bool _holdingGate;

    /// <summary>
    /// Writes one whole message. After a hand-off it is buffered until <see cref="FlushAsync"/>, or
    /// until the batch reaches 64 KiB; <paramref name="flags"/> matter only to .NET's WebSocket
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
            if (!stream.TryEnterWrite())
            {
                return EnterThenSendAsync(message, type);
            }

            _holdingGate = true;
        }

        Frame(message.Span, type);
        return stream.Output.UnflushedBytes >= FlushThreshold ? FlushHeldAsync() : default;
    }

    /// <summary>Sends what <see cref="SendAsync"/> has buffered and lets the WebSocket's own frames through again.</summary>
    public ValueTask FlushAsync() => _holdingGate ? FlushHeldAsync() : default;

    private async ValueTask EnterThenSendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        await stream!.EnterWriteAsync().ConfigureAwait(false);
        _holdingGate = true;
        Frame(message.Span, type);
    }

    private async ValueTask FlushHeldAsync()
    {
        try
        {
            var result = await stream!.Output.FlushAsync().ConfigureAwait(false);

            // Canceled: the WebSocket was aborted (its stream disposed), which is how every send ends then.
            if (result.IsCanceled || stream.IsDisposed)
            {
                throw new OperationCanceledException("The WebSocket was aborted.");
            }
        }
        finally
        {
            _holdingGate = false;
            stream!.ExitWrite();
        }
    }

    private void Frame(ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        if (stream!.IsDisposed)
        {
            // The gate is never left held: the WebSocket's own writes may be waiting for it.
            _holdingGate = false;
            stream.ExitWrite();
            throw new OperationCanceledException("The WebSocket was aborted.");
        }

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
    internal static int WriteHeader(Span<byte> header, byte opcode, int length)
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
