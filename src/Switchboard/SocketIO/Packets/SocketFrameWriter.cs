using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// Builds one Engine.IO message frame holding a Socket.IO packet (<c>4</c>, the packet header, then JSON) in a
/// buffer reused by the thread, so the only allocation per frame is its exact-size result.
/// </summary>
/// <remarks>
/// Taken with <see cref="Rent"/> and given back with <see cref="Return"/>: a nested encode on the same thread
/// (a JSON converter that encodes a packet) finds the cache empty and gets a fresh writer.
/// </remarks>
internal sealed class SocketFrameWriter
{
    // A writer grown past this by a large message is left to the GC rather than kept by the thread.
    private const int MaxRetainedCapacity = 64 * 1024;

    [ThreadStatic]
    private static SocketFrameWriter? t_cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter? _json;
    private bool _jsonStarted;

    public static SocketFrameWriter Rent()
    {
        var writer = t_cached ?? new SocketFrameWriter();
        t_cached = null;
        writer._buffer.ResetWrittenCount();
        writer._jsonStarted = false;
        return writer;
    }

    public static void Return(SocketFrameWriter writer)
    {
        if (writer._buffer.Capacity <= MaxRetainedCapacity)
        {
            t_cached = writer;
        }
    }

    /// <summary>
    /// Writes <c>4</c>, the type digit, <c>N-</c> for a binary type, the namespace and <c>,</c> unless it is the
    /// main one, and the ack id. The namespace must have been checked by <see cref="SocketPacketEncoder"/>.
    /// </summary>
    public void WriteHeader(SocketPacketType type, int attachments, string nsp, long? ackId)
    {
        var span = _buffer.GetSpan(2);
        span[0] = (byte)('0' + (int)EnginePacketType.Message);
        span[1] = (byte)('0' + (int)type);
        _buffer.Advance(2);
        if (type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck)
        {
            WriteInteger(attachments);
            WriteByte((byte)'-');
        }

        if (!SocketPacketEncoder.IsMainNamespace(nsp))
        {
            span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(nsp.Length) + 1);
            var written = Encoding.UTF8.GetBytes(nsp, span);
            span[written] = (byte)',';
            _buffer.Advance(written + 1);
        }

        if (ackId is { } id)
        {
            WriteInteger(id);
        }
    }

    /// <summary>
    /// A JSON writer that appends to the frame after the header. Escapes with <paramref name="encoder"/>, or by
    /// default only what JSON requires, as JSON.stringify does (the frame is never embedded in HTML).
    /// </summary>
    public Utf8JsonWriter StartJson(JavaScriptEncoder? encoder)
    {
        encoder ??= JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        if (_json is null || _json.Options.Encoder != encoder)
        {
            _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = encoder });
        }
        else
        {
            _json.Reset(_buffer);
        }

        _jsonStarted = true;
        return _json;
    }

    /// <summary>Copies the finished frame into an array of its exact size.</summary>
    public byte[] ToFrame()
    {
        if (_jsonStarted)
        {
            _json!.Flush();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void WriteInteger(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer.GetSpan(20), out var written);
        _buffer.Advance(written);
    }
}
