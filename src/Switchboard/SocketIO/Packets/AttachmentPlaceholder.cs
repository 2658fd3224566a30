using System.Text.Json;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// The <c>{"_placeholder":true,"num":N}</c> object that stands for binary attachment N in the JSON of a
/// BINARY_EVENT or BINARY_ACK, with the reference's rules for recognising one (socket.io-parser binary.ts).
/// </summary>
internal static class AttachmentPlaceholder
{
    private static readonly JsonEncodedText PlaceholderName = JsonEncodedText.Encode("_placeholder");
    private static readonly JsonEncodedText NumName = JsonEncodedText.Encode("num");

    /// <summary>Writes the placeholder for attachment <paramref name="num"/>.</summary>
    public static void Write(Utf8JsonWriter writer, int num)
    {
        writer.WriteStartObject();
        writer.WriteBoolean(PlaceholderName, true);
        writer.WriteNumber(NumName, num);
        writer.WriteEndObject();
    }

    /// <summary>True when <paramref name="element"/> is a placeholder whose index is valid for <paramref name="count"/> attachments.</summary>
    public static bool TryGetIndex(JsonElement element, int count, out int index)
    {
        index = -1;
        return IsPlaceholder(element, out var num) && IsValidIndex(num, count, out index);
    }

    /// <summary>
    /// True when every placeholder in <paramref name="data"/> has a valid index for <paramref name="count"/>
    /// attachments. Walks arrays and objects as the reference's <c>_reconstructPacket</c> does, without entering
    /// a placeholder.
    /// </summary>
    public static bool AreValid(JsonElement data, int count)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in data.EnumerateArray())
                {
                    if (!AreValid(item, count))
                    {
                        return false;
                    }
                }

                return true;

            case JsonValueKind.Object:
                if (IsPlaceholder(data, out var num))
                {
                    return IsValidIndex(num, count, out _);
                }

                foreach (var property in data.EnumerateObject())
                {
                    if (!AreValid(property.Value, count))
                    {
                        return false;
                    }
                }

                return true;

            default:
                return true;
        }
    }

    // JSON.parse keeps the last of duplicate members, so the last "_placeholder" and "num" decide.
    private static bool IsPlaceholder(JsonElement element, out JsonElement num)
    {
        num = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var isPlaceholder = false;
        foreach (var property in element.EnumerateObject())
        {
            if (JsonTextComparison.NameEquals(property, PlaceholderName.EncodedUtf8Bytes))
            {
                isPlaceholder = property.Value.ValueKind == JsonValueKind.True;
            }
            else if (JsonTextComparison.NameEquals(property, NumName.EncodedUtf8Bytes))
            {
                num = property.Value;
            }
        }

        return isPlaceholder;
    }

    // The reference only asks for a number in [0, count); a fraction would index nothing there, so it is refused here.
    private static bool IsValidIndex(JsonElement num, int count, out int index)
    {
        index = -1;
        if (num.ValueKind != JsonValueKind.Number || !num.TryGetDouble(out var value))
        {
            return false;
        }

        if (!(value >= 0 && value < count) || Math.Floor(value) != value)
        {
            return false;
        }

        index = (int)value;
        return true;
    }
}
