using System.Buffers;
using System.Text.Json;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// Writes one JSON value as msgpack, the way the Node server would send the object <c>JSON.parse</c> makes of it:
/// objects as maps, arrays as arrays, strings as <c>str</c>, numbers as JavaScript numbers (see
/// <see cref="MsgPackWriter.WriteNumber"/>). Used for event arguments, which the application gives as objects
/// that System.Text.Json serializes, or as <see cref="JsonElement"/> values received earlier.
/// </summary>
/// <remarks>
/// A msgpack array or map starts with its element count, which JSON text does not give; the text is therefore read
/// twice, once to count the elements of every array and object in the order they open, once to write. Both passes
/// run over the same span with no allocation beyond pooled arrays. An integer that fits 64 bits is written exactly,
/// where JavaScript would round it beyond 2^53. The text must be valid JSON (it comes from System.Text.Json); a
/// string with an escaped lone surrogate (<c>"\ud800"</c>), which UTF-8 cannot carry, throws
/// <see cref="InvalidOperationException"/>.
/// </remarks>
internal static class JsonToMsgPack
{
    // The serializer writes no deeper than its MaxDepth; a JsonElement built with a larger one may be this deep.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 1000 };

    public static void Write(MsgPackWriter writer, ReadOnlySpan<byte> json)
    {
        var counts = ArrayPool<int>.Shared.Rent(16);
        try
        {
            Count(json, ref counts);
            WriteTokens(writer, json, counts);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    // Fills counts with the element count of each array and object, in the order they open. A token counts for the
    // container it is in when it is a property name, or a value that does not follow a property name.
    private static void Count(ReadOnlySpan<byte> json, ref int[] counts)
    {
        var open = ArrayPool<int>.Shared.Rent(16);
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            var containers = 0;
            var depth = 0;
            var previous = JsonTokenType.None;
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndArray or JsonTokenType.EndObject)
                {
                    depth--;
                }
                else
                {
                    if (depth > 0 && (token == JsonTokenType.PropertyName || previous != JsonTokenType.PropertyName))
                    {
                        counts[open[depth - 1]]++;
                    }

                    if (token is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    {
                        Grow(ref counts, containers);
                        Grow(ref open, depth);
                        counts[containers] = 0;
                        open[depth++] = containers++;
                    }
                }

                previous = token;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(open);
        }
    }

    private static void WriteTokens(MsgPackWriter writer, ReadOnlySpan<byte> json, int[] counts)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var next = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(counts[next++]);
                    break;
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(counts[next++]);
                    break;
                case JsonTokenType.PropertyName or JsonTokenType.String:
                    WriteString(writer, ref reader);
                    break;
                case JsonTokenType.Number:
                    WriteNumber(writer, ref reader);
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    writer.WriteBoolean(reader.TokenType == JsonTokenType.True);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
            }
        }
    }

    private static void WriteString(MsgPackWriter writer, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteString(reader.ValueSpan);
            return;
        }

        // Unescaping never lengthens the text.
        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            writer.WriteString(buffer.AsSpan(0, reader.CopyString(buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteNumber(MsgPackWriter writer, ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var integer))
        {
            writer.WriteInteger(integer);
        }
        else if (reader.TryGetUInt64(out var unsigned))
        {
            writer.WriteInteger(unsigned);
        }
        else if (reader.TryGetDouble(out var number))
        {
            writer.WriteNumber(number);
        }
        else
        {
            // Beyond double's range, where JSON.parse gives an infinity.
            writer.WriteNumber(reader.ValueSpan[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity);
        }
    }

    private static void Grow(ref int[] array, int index)
    {
        if (index < array.Length)
        {
            return;
        }

        var larger = ArrayPool<int>.Shared.Rent(array.Length * 2);
        array.AsSpan().CopyTo(larger);
        ArrayPool<int>.Shared.Return(array);
        array = larger;
    }
}
