using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// Builds one msgpack message in a buffer reused by the thread, choosing the formats notepack.io chooses: the
/// smallest integer format for a number with an integral value, <c>float 64</c> for any other number, <c>str</c>
/// for text and <c>bin</c> for bytes. The same value therefore gives the same bytes as from the Node server.
/// </summary>
/// <remarks>
/// Taken with <see cref="Rent"/> and given back with <see cref="Return"/>, like <see cref="SocketFrameWriter"/>: the
/// only allocation per message is its exact-size result. Values given as objects go through System.Text.Json
/// into a second reused buffer and from there into msgpack (<see cref="JsonToMsgPack"/>).
/// </remarks>
internal sealed class MsgPackWriter
{
    // A writer grown past this by a large message is left to the GC rather than kept by the thread.
    private const int MaxRetainedCapacity = 64 * 1024;

    private const double TwoToThe63 = 9223372036854775808.0;
    private const double TwoToThe64 = 18446744073709551616.0;

    [ThreadStatic]
    private static MsgPackWriter? t_cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly ArrayBufferWriter<byte> _json = new(256);

    // The JSON is read back at once, never shown, so it is escaped only where JSON requires.
    private readonly Utf8JsonWriter _jsonWriter;

    private MsgPackWriter() =>
        _jsonWriter = new Utf8JsonWriter(_json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static MsgPackWriter Rent()
    {
        var writer = t_cached ?? new MsgPackWriter();
        t_cached = null;
        writer._buffer.ResetWrittenCount();
        return writer;
    }

    public static void Return(MsgPackWriter writer)
    {
        if (writer._buffer.Capacity <= MaxRetainedCapacity && writer._json.Capacity <= MaxRetainedCapacity)
        {
            t_cached = writer;
        }
    }

    public void WriteNil() => WriteByte(0xc0);

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xc3 : (byte)0xc2);

    public void WriteInteger(long value)
    {
        if (value >= 0)
        {
            WriteInteger((ulong)value);
        }
        else if (value >= -0x20)
        {
            WriteByte((byte)value);
        }
        else if (value >= sbyte.MinValue)
        {
            Reserve(0xd0, 1)[0] = (byte)value;
        }
        else if (value >= short.MinValue)
        {
            BinaryPrimitives.WriteInt16BigEndian(Reserve(0xd1, 2), (short)value);
        }
        else if (value >= int.MinValue)
        {
            BinaryPrimitives.WriteInt32BigEndian(Reserve(0xd2, 4), (int)value);
        }
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(Reserve(0xd3, 8), value);
        }
    }

    public void WriteInteger(ulong value)
    {
        if (value < 0x80)
        {
            WriteByte((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            Reserve(0xcc, 1)[0] = (byte)value;
        }
        else if (value <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(Reserve(0xcd, 2), (ushort)value);
        }
        else if (value <= uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(Reserve(0xce, 4), (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(Reserve(0xcf, 8), value);
        }
    }

    /// <summary>
    /// Writes a JavaScript number as notepack.io does: an integral value (-0 included) as an integer, anything else,
    /// NaN and the infinities included, as <c>float 64</c>. An integral value beyond 64 bits, which notepack.io
    /// garbles, stays a <c>float 64</c>.
    /// </summary>
    public void WriteNumber(double value)
    {
        if (double.IsFinite(value) && Math.Floor(value) == value && value >= -TwoToThe63 && value < TwoToThe64)
        {
            if (value >= 0)
            {
                WriteInteger((ulong)value);
            }
            else
            {
                WriteInteger((long)value);
            }
        }
        else
        {
            BinaryPrimitives.WriteDoubleBigEndian(Reserve(0xcb, 8), value);
        }
    }

    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteBytes(utf8);
    }

    /// <summary>Writes a string as UTF-8; a lone surrogate becomes U+FFFD, as Node's <c>Buffer.write</c> makes it.</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(length);
        _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
    }

    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        WriteSizedHeader(0xc4, bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteArrayHeader(int count) => WriteContainerHeader(0x90, 0xdc, count);

    public void WriteMapHeader(int count) => WriteContainerHeader(0x80, 0xde, count);

    /// <summary>Writes one value given as JSON text (see <see cref="JsonToMsgPack"/>).</summary>
    public void WriteJson(ReadOnlySpan<byte> utf8Json) => JsonToMsgPack.Write(this, utf8Json);

    /// <summary>Serializes <paramref name="value"/> with <paramref name="options"/> and writes the result.</summary>
    public void WriteSerialized(object value, JsonSerializerOptions options)
    {
        _json.ResetWrittenCount();
        _jsonWriter.Reset(_json);
        JsonSerializer.Serialize(_jsonWriter, value, value.GetType(), options);
        _jsonWriter.Flush();
        WriteJson(_json.WrittenSpan);
    }

    /// <summary>
    /// Writes one event argument as the Node server would send it: bytes (<see cref="T:byte[]"/>, <see cref="ReadOnlyMemory{T}"/>,
    /// <see cref="Memory{T}"/>, <see cref="ArraySegment{T}"/>) as <c>bin</c>, a string as <c>str</c>, a <see cref="JsonElement"/> as the
    /// value it holds, anything else as System.Text.Json serializes it with <paramref name="options"/>.
    /// </summary>
    public void WriteArgument(object? arg, JsonSerializerOptions options)
    {
        // A string goes straight to UTF-8, as the serializer would write it (a lone surrogate as U+FFFD either way).
        switch (arg)
        {
            case null:
                WriteNil();
                break;
            case string text:
                WriteString(text);
                break;
            case byte[] array:
                WriteBinary(array);
                break;
            case ReadOnlyMemory<byte> memory:
                WriteBinary(memory.Span);
                break;
            case Memory<byte> memory:
                WriteBinary(memory.Span);
                break;
            case ArraySegment<byte> segment:
                WriteBinary(segment);
                break;
            case JsonElement { ValueKind: not JsonValueKind.Undefined } element:
                WriteJson(JsonMarshal.GetRawUtf8Value(element));
                break;
            default:
                WriteSerialized(arg, options);
                break;
        }
    }

    /// <summary>Copies the finished message into an array of its exact size.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void WriteStringHeader(int length)
    {
        if (length < 0x20)
        {
            WriteByte((byte)(0xa0 | length));
        }
        else
        {
            WriteSizedHeader(0xd9, length);
        }
    }

    // str 8/16/32 and bin 8/16/32: three consecutive format bytes from code8.
    private void WriteSizedHeader(byte code8, int length)
    {
        if (length <= byte.MaxValue)
        {
            Reserve(code8, 1)[0] = (byte)length;
        }
        else if (length <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(Reserve((byte)(code8 + 1), 2), (ushort)length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(Reserve((byte)(code8 + 2), 4), (uint)length);
        }
    }

    // fixarray/fixmap below 16 elements, then the 16 and 32-bit forms, consecutive from code16.
    private void WriteContainerHeader(byte fixCode, byte code16, int count)
    {
        if (count < 0x10)
        {
            WriteByte((byte)(fixCode | count));
        }
        else if (count <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(Reserve(code16, 2), (ushort)count);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(Reserve((byte)(code16 + 1), 4), (uint)count);
        }
    }

    // Writes the format byte and returns the span for the size bytes after it.
    private Span<byte> Reserve(byte code, int size)
    {
        var span = _buffer.GetSpan(1 + size);
        span[0] = code;
        _buffer.Advance(1 + size);
        return span.Slice(1, size);
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }
}
