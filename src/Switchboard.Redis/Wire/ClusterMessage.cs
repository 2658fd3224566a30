using System.Text.Json;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;
using Switchboard.SocketIO.Packets.MsgPack;

namespace Switchboard.Redis.Wire;

/// <summary>
/// A message another server published, read as @socket.io/redis-adapter reads it: JSON when its first byte is
/// <c>{</c>, otherwise msgpack as notepack.io encodes it. Either way it becomes one JSON value whose binary values are
/// attachment placeholders (see <see cref="MsgPackToJson"/>), so requests, responses and broadcasts are read the same way.
/// </summary>
/// <remarks>
/// Decoding never throws: a message that is neither, or that is JSON with attachment placeholders (which only the
/// msgpack form can carry), is refused. The accessors return null or false for a member that is missing or of
/// another type, so a handler can refuse the message with a reason.
/// </remarks>
internal readonly struct ClusterMessage
{
    private ClusterMessage(JsonElement root, IReadOnlyList<byte[]> attachments)
    {
        Root = root;
        Attachments = attachments;
    }

    /// <summary>The message as one JSON value.</summary>
    public JsonElement Root { get; }

    /// <summary>The binary values the placeholders in <see cref="Root"/> stand for.</summary>
    public IReadOnlyList<byte[]> Attachments { get; }

    /// <summary>Decodes a message; false when it is neither a JSON object nor one msgpack value.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out ClusterMessage message)
    {
        message = default;
        if (bytes.IsEmpty)
        {
            return false;
        }

        if (bytes[0] == (byte)'{')
        {
            try
            {
                var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MsgPackToJson.MaxDepth });
                var root = JsonElement.ParseValue(ref reader);
                if (reader.Read() || !AttachmentPlaceholder.AreValid(root, 0))
                {
                    return false;
                }

                message = new ClusterMessage(root, []);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        // Other servers' messages are bounded by Redis, not by a client's attachment limit.
        var converter = new MsgPackToJson(int.MaxValue);
        var msgpack = new MsgPackReader(bytes);
        if (!msgpack.TryRead(out var token) || converter.Convert(ref msgpack, token) != SocketDecodeStatus.Ok || !msgpack.IsAtEnd)
        {
            return false;
        }

        message = new ClusterMessage(converter.ToElement(), converter.Attachments);
        return true;
    }

    /// <summary>The request or response type, from the <c>type</c> member.</summary>
    public RequestType? Type => Root.ValueKind == JsonValueKind.Object && Root.TryGetProperty("type", out var type) && type.TryGetInt32(out var value)
        ? (RequestType)value
        : null;

    /// <summary>A string member of the root object.</summary>
    public string? GetString(string name) => Member(Root, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>A member of the root object.</summary>
    public JsonElement? Get(string name) => Member(Root, name);

    /// <summary>
    /// Reads <c>{rooms, except, flags}</c>, the options of a broadcast or of a request that targets sockets. Room names
    /// that are numbers (Node allows them) become their decimal text; missing lists are empty.
    /// </summary>
    public static bool TryReadOptions(JsonElement? opts, out BroadcastOptions options)
    {
        options = BroadcastOptions.All;
        if (opts is not { ValueKind: JsonValueKind.Object } value
            || !TryReadRooms(Member(value, "rooms"), out var rooms)
            || !TryReadRooms(Member(value, "except"), out var except))
        {
            return false;
        }

        options = new BroadcastOptions(rooms, except);
        if (Member(value, "flags") is { ValueKind: JsonValueKind.Object } flags)
        {
            options = options with
            {
                Volatile = Member(flags, "volatile")?.ValueKind == JsonValueKind.True,
                Compress = Member(flags, "compress")?.ValueKind != JsonValueKind.False,
            };
        }

        return true;
    }

    /// <summary>Reads a list of room names; a missing list is empty.</summary>
    public static bool TryReadRooms(JsonElement? list, out IReadOnlyList<string> rooms)
    {
        rooms = [];
        if (list is null || list.Value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (list.Value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var names = new List<string>(list.Value.GetArrayLength());
        foreach (var room in list.Value.EnumerateArray())
        {
            switch (room.ValueKind)
            {
                case JsonValueKind.String:
                    names.Add(room.GetString()!);
                    break;
                case JsonValueKind.Number:
                    names.Add(room.GetRawText());
                    break;
                default:
                    return false;
            }
        }

        rooms = names;
        return true;
    }

    /// <summary>
    /// Reads <c>[eventName, ...args]</c>, the <c>data</c> of an event packet or a server-side emit: the name and the
    /// arguments, binary ones resolved against this message's attachments.
    /// </summary>
    public bool TryReadEvent(JsonElement? data, JsonSerializerOptions options, out string eventName, out EventArguments args)
    {
        eventName = "";
        args = null!;
        if (data is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0 || array[0].ValueKind != JsonValueKind.String)
        {
            return false;
        }

        eventName = array[0].GetString()!;
        args = new EventArguments(array, 1, Attachments, options);
        return true;
    }

    /// <summary>One answer as the other server sent it (the first argument of an acknowledgement), as arguments: none when it was left out.</summary>
    public EventArguments ReadAnswer(string name, JsonSerializerOptions options) => ReadValue(Member(Root, name), options);

    /// <summary>One value of this message (an answer), as arguments: none when it is missing.</summary>
    public EventArguments ReadValue(JsonElement? answer, JsonSerializerOptions options)
    {
        var array = answer is { } value ? JsonSerializer.SerializeToElement(new[] { value }) : JsonSerializer.SerializeToElement(Array.Empty<JsonElement>());
        return new EventArguments(array, 0, Attachments, options);
    }

    /// <summary>A member of a JSON object; null when absent or when <paramref name="parent"/> is no object.</summary>
    public static JsonElement? Member(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : null;
}
