using System.Text.Json;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// Event names with a special meaning that neither side may send: <c>connect</c>, <c>connect_error</c>,
/// <c>disconnect</c>, <c>disconnecting</c>, <c>newListener</c>, <c>removeListener</c>. The reference parser refuses
/// an incoming EVENT that uses one, and the reference server throws when asked to emit one.
/// </summary>
public static class ReservedEventNames
{
    /// <summary>True when <paramref name="eventName"/> is reserved. Same list as socket.io-parser's <c>RESERVED_EVENTS</c>.</summary>
    public static bool Contains(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return eventName is "connect" or "connect_error" or "disconnect" or "disconnecting" or "newListener" or "removeListener";
    }

    /// <summary>True when the JSON string <paramref name="eventName"/> is reserved, compared after unescaping.</summary>
    internal static bool Contains(JsonElement eventName) =>
        JsonTextComparison.ValueEquals(eventName, "connect"u8)
        || JsonTextComparison.ValueEquals(eventName, "connect_error"u8)
        || JsonTextComparison.ValueEquals(eventName, "disconnect"u8)
        || JsonTextComparison.ValueEquals(eventName, "disconnecting"u8)
        || JsonTextComparison.ValueEquals(eventName, "newListener"u8)
        || JsonTextComparison.ValueEquals(eventName, "removeListener"u8);
}
