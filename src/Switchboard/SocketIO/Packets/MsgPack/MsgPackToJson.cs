using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// Turns the msgpack <c>data</c> of a packet into the form the server reads every packet in: a
/// <see cref="JsonElement"/> whose binary values are <c>{"_placeholder":true,"num":N}</c> objects, plus the
/// attachments they point to (see <see cref="SocketPacket"/>). Every other value becomes what <c>JSON.stringify</c>
/// would make of the value notepack.io decodes: <c>undefined</c> a null in an array and no member in a map, a NaN or
/// an infinity a null, -0 a 0, a <c>Date</c> its ISO 8601 text, an extension <c>[type, bytes]</c>, an integer map key
/// its decimal text; strings with invalid UTF-8 get U+FFFD, as Node's <c>Buffer.toString</c> gives them. Two
/// differences keep more than JavaScript would: a 64-bit integer stays exact beyond 2^53, and a repeated map key
/// stays repeated, as the JSON decoder keeps it (System.Text.Json, like JavaScript, reads the last).
/// </summary>
/// <remarks>
/// One instance per connection; its JSON buffer is reused from packet to packet. Nothing here throws on bad input:
/// nesting beyond <see cref="MaxDepth"/>, more binary values than allowed, a map key that is neither a string nor an
/// integer, or a map that would pass for an attachment placeholder each give a verdict.
/// </remarks>
internal sealed class MsgPackToJson(int maxAttachments)
{
    /// <summary>The deepest nesting of arrays and maps accepted, the same as the JSON decoder's.</summary>
    public const int MaxDepth = 64;

    // A buffer grown past this by a large message is left to the GC rather than kept by the connection.
    private const int MaxRetainedCapacity = 64 * 1024;

    // The longest string Utf8JsonWriter takes (its token limit, allowing for escapes); only a MaxHttpBufferSize far
    // above the default lets a client send one.
    private const int MaxStringBytes = 1_000_000_000 / 6;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly int _maxAttachments = maxAttachments;
    private ArrayBufferWriter<byte>? _buffer;
    private Utf8JsonWriter? _writer;
    private List<byte[]>? _attachments;

    /// <summary>
    /// Converts the value that starts with <paramref name="token"/> (read from <paramref name="reader"/>, which then
    /// reads its elements), replacing what an earlier call converted.
    /// </summary>
    public SocketDecodeStatus Convert(ref MsgPackReader reader, in MsgPackToken token)
    {
        if (_buffer is null || _buffer.Capacity > MaxRetainedCapacity)
        {
            _buffer = new ArrayBufferWriter<byte>(256);
            _writer = new Utf8JsonWriter(_buffer, WriterOptions);
        }
        else
        {
            _buffer.ResetWrittenCount();
            _writer!.Reset(_buffer);
        }

        _attachments = null;
        var status = WriteValue(_writer!, ref reader, token, depth: 0);
        _writer!.Flush();
        return status;
    }

    /// <summary>The value last converted, as a <see cref="JsonElement"/> that owns its memory.</summary>
    public JsonElement ToElement()
    {
        var reader = new Utf8JsonReader(_buffer!.WrittenSpan, ReaderOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>The binary values of the value last converted, in the order of their placeholders.</summary>
    public IReadOnlyList<byte[]> Attachments => _attachments is null ? [] : _attachments;

    private SocketDecodeStatus WriteValue(Utf8JsonWriter writer, ref MsgPackReader reader, in MsgPackToken token, int depth)
    {
        switch (token.Type)
        {
            case MsgPackType.Nil or MsgPackType.Undefined:
                writer.WriteNullValue();
                return SocketDecodeStatus.Ok;
            case MsgPackType.Boolean:
                writer.WriteBooleanValue(token.Integer != 0);
                return SocketDecodeStatus.Ok;
            case MsgPackType.Integer:
                writer.WriteNumberValue(token.Integer);
                return SocketDecodeStatus.Ok;
            case MsgPackType.UnsignedInteger:
                writer.WriteNumberValue(token.UnsignedInteger);
                return SocketDecodeStatus.Ok;
            case MsgPackType.Float when double.IsFinite(token.Float):
                // JSON.stringify writes -0 as 0.
                writer.WriteNumberValue(token.Float == 0 ? 0 : token.Float);
                return SocketDecodeStatus.Ok;
            case MsgPackType.Float:
                writer.WriteNullValue();
                return SocketDecodeStatus.Ok;
            case MsgPackType.String:
                return WriteString(writer, token.Bytes);
            case MsgPackType.Date:
                WriteDate(writer, token.Integer);
                return SocketDecodeStatus.Ok;
            case MsgPackType.Binary:
                return depth < MaxDepth ? WriteAttachment(writer, token.Bytes) : SocketDecodeStatus.InvalidJson;
            case MsgPackType.Extension:
                return WriteExtension(writer, token, depth);
            case MsgPackType.Array:
                return WriteArray(writer, ref reader, token.Integer, depth);
            default:
                return WriteMap(writer, ref reader, token.Integer, depth);
        }
    }

    private SocketDecodeStatus WriteArray(Utf8JsonWriter writer, ref MsgPackReader reader, long count, int depth)
    {
        if (depth >= MaxDepth)
        {
            return SocketDecodeStatus.InvalidJson;
        }

        writer.WriteStartArray();
        for (long i = 0; i < count; i++)
        {
            if (!reader.TryRead(out var element))
            {
                return SocketDecodeStatus.InvalidJson;
            }

            var status = WriteValue(writer, ref reader, element, depth + 1);
            if (status != SocketDecodeStatus.Ok)
            {
                return status;
            }
        }

        writer.WriteEndArray();
        return SocketDecodeStatus.Ok;
    }

    private SocketDecodeStatus WriteMap(Utf8JsonWriter writer, ref MsgPackReader reader, long count, int depth)
    {
        if (depth >= MaxDepth)
        {
            return SocketDecodeStatus.InvalidJson;
        }

        writer.WriteStartObject();
        for (long i = 0; i < count; i++)
        {
            if (!reader.TryRead(out var key) || !reader.TryRead(out var value))
            {
                return SocketDecodeStatus.InvalidJson;
            }

            if (key.Type is not (MsgPackType.String or MsgPackType.Integer or MsgPackType.UnsignedInteger))
            {
                return SocketDecodeStatus.InvalidPayload;
            }

            // The server's event binding would take such a map for an attachment: JSON text can only mean that, but
            // in msgpack it is an object the client wrote, so it is refused rather than misread.
            if (key.Type == MsgPackType.String && key.Bytes.SequenceEqual("_placeholder"u8) && value is { Type: MsgPackType.Boolean, Integer: 1 })
            {
                return SocketDecodeStatus.IllegalAttachments;
            }

            if (value.Type == MsgPackType.Undefined)
            {
                continue;
            }

            var status = WritePropertyName(writer, key);
            if (status == SocketDecodeStatus.Ok)
            {
                status = WriteValue(writer, ref reader, value, depth + 1);
            }

            if (status != SocketDecodeStatus.Ok)
            {
                return status;
            }
        }

        writer.WriteEndObject();
        return SocketDecodeStatus.Ok;
    }

    // JavaScript makes an integer key its decimal text.
    private static SocketDecodeStatus WritePropertyName(Utf8JsonWriter writer, in MsgPackToken key)
    {
        if (key.Type != MsgPackType.String)
        {
            // 20 bytes hold any 64-bit integer, so the formatting cannot fail.
            Span<byte> digits = stackalloc byte[20];
            _ = key.Type == MsgPackType.Integer
                ? Utf8Formatter.TryFormat(key.Integer, digits, out var written)
                : Utf8Formatter.TryFormat(key.UnsignedInteger, digits, out written);
            writer.WritePropertyName(digits[..written]);
            return SocketDecodeStatus.Ok;
        }

        if (key.Bytes.Length > MaxStringBytes)
        {
            return SocketDecodeStatus.InvalidPayload;
        }

        if (Utf8.IsValid(key.Bytes))
        {
            writer.WritePropertyName(key.Bytes);
        }
        else
        {
            writer.WritePropertyName(Encoding.UTF8.GetString(key.Bytes));
        }

        return SocketDecodeStatus.Ok;
    }

    private static SocketDecodeStatus WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxStringBytes)
        {
            return SocketDecodeStatus.InvalidPayload;
        }

        if (Utf8.IsValid(utf8))
        {
            writer.WriteStringValue(utf8);
        }
        else
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(utf8));
        }

        return SocketDecodeStatus.Ok;
    }

    // Date.prototype.toJSON: the ISO text, or null for an Invalid Date.
    private static void WriteDate(Utf8JsonWriter writer, long milliseconds)
    {
        Span<byte> text = stackalloc byte[JavaScriptDate.MaxIsoLength];
        if (JavaScriptDate.TryFormatIso(milliseconds, text, out var written))
        {
            writer.WriteStringValue(text[..written]);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private SocketDecodeStatus WriteExtension(Utf8JsonWriter writer, in MsgPackToken token, int depth)
    {
        if (depth + 1 >= MaxDepth)
        {
            return SocketDecodeStatus.InvalidJson;
        }

        writer.WriteStartArray();
        writer.WriteNumberValue(token.Integer);
        var status = WriteAttachment(writer, token.Bytes);
        writer.WriteEndArray();
        return status;
    }

    private SocketDecodeStatus WriteAttachment(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        _attachments ??= [];
        if (_attachments.Count >= _maxAttachments)
        {
            return SocketDecodeStatus.TooManyAttachments;
        }

        AttachmentPlaceholder.Write(writer, _attachments.Count);
        _attachments.Add(bytes.ToArray());
        return SocketDecodeStatus.Ok;
    }
}
