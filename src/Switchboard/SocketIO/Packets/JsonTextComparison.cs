using System.Runtime.InteropServices;
using System.Text.Json;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// Compares JSON strings and member names with ASCII constants without ever throwing. JSON.parse accepts escaped
/// lone surrogates (<c>"\udc00"</c>) that System.Text.Json refuses to unescape with an exception; such text never
/// equals a constant and is never readable as a .NET string.
/// </summary>
internal static class JsonTextComparison
{
    /// <summary>True when the JSON string <paramref name="value"/> equals <paramref name="utf8"/> after unescaping.</summary>
    public static bool ValueEquals(JsonElement value, ReadOnlySpan<byte> utf8)
    {
        if (!JsonMarshal.GetRawUtf8Value(value).Contains((byte)'\\'))
        {
            return value.ValueEquals(utf8);
        }

        try
        {
            return value.ValueEquals(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>True when the name of <paramref name="property"/> equals <paramref name="utf8"/> after unescaping.</summary>
    public static bool NameEquals(JsonProperty property, ReadOnlySpan<byte> utf8)
    {
        if (!JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\'))
        {
            return property.NameEquals(utf8);
        }

        try
        {
            return property.NameEquals(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>True when <see cref="JsonElement.GetString"/> can read the JSON string <paramref name="value"/>.</summary>
    public static bool IsReadable(JsonElement value)
    {
        if (!JsonMarshal.GetRawUtf8Value(value).Contains((byte)'\\'))
        {
            return true;
        }

        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
