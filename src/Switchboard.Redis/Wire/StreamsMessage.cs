using System.Buffers.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace Switchboard.Redis.Wire;

/// <summary>
/// A message of another server's Streams adapter, read as @socket.io/redis-streams-adapter reads it: from a stream
/// entry (fields <c>uid</c>, <c>nsp</c>, <c>type</c>, and <c>data</c>: JSON when it starts with <c>{</c>, otherwise
/// base64 msgpack), or from a pub/sub channel (the whole <c>{type, data, uid, nsp}</c> in msgpack). Reading never
/// throws: what is neither is refused.
/// </summary>
internal readonly struct StreamsMessage
{
    private StreamsMessage(string? uid, string? nsp, ClusterAdapterMessageType type, ClusterMessage body, JsonElement? data)
    {
        Uid = uid;
        Nsp = nsp;
        Type = type;
        Body = body;
        Data = data;
    }

    /// <summary>The sending adapter's id.</summary>
    public string? Uid { get; }

    /// <summary>The namespace it concerns.</summary>
    public string? Nsp { get; }

    /// <summary>What it is.</summary>
    public ClusterAdapterMessageType Type { get; }

    /// <summary>The decoded message, whose attachments the binary values in <see cref="Data"/> stand for.</summary>
    public ClusterMessage Body { get; }

    /// <summary>The message's data, null when it has none.</summary>
    public JsonElement? Data { get; }

    /// <summary>The request id in the data, which requests that want answers and the answers carry.</summary>
    public string? RequestId => Get("requestId") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null;

    /// <summary>A member of the data; null when missing or when the data is no object.</summary>
    public JsonElement? Get(string name) => Data is { } data ? ClusterMessage.Member(data, name) : null;

    /// <summary>The namespace of a stream entry, without decoding the rest; null when it has none.</summary>
    public static string? NamespaceOf(NameValueEntry[] fields) => Field(fields, "nsp");

    /// <summary>Reads a stream entry's fields.</summary>
    public static bool TryReadEntry(NameValueEntry[] fields, out StreamsMessage message)
    {
        message = default;
        if (!int.TryParse(Field(fields, "type"), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var type))
        {
            return false;
        }

        var body = default(ClusterMessage);
        JsonElement? data = null;
        var raw = FieldValue(fields, "data");
        if (!raw.IsNullOrEmpty)
        {
            var bytes = (byte[])raw!;
            if (bytes[0] != (byte)'{')
            {
                var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(bytes.Length)];
                if (Base64.DecodeFromUtf8(bytes, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
                {
                    return false;
                }

                bytes = decoded[..written];
            }

            if (!ClusterMessage.TryDecode(bytes, out body))
            {
                return false;
            }

            data = body.Root;
        }

        message = new StreamsMessage(Field(fields, "uid"), Field(fields, "nsp"), (ClusterAdapterMessageType)type, body, data);
        return true;
    }

    /// <summary>Reads a message from a pub/sub channel; a probe (see <see cref="StreamsMessageWriter.Probe"/>) is read too, with no type.</summary>
    public static bool TryReadPublished(ReadOnlySpan<byte> bytes, out StreamsMessage message)
    {
        message = default;
        if (!ClusterMessage.TryDecode(bytes, out var body) || body.Root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var type = body.Get("type") is { } t && t.TryGetInt32(out var value) ? (ClusterAdapterMessageType)value : default;
        message = new StreamsMessage(body.GetString("uid"), body.GetString("nsp"), type, body, body.Get("data"));
        return true;
    }

    private static string? Field(NameValueEntry[] fields, string name) => FieldValue(fields, name) is { IsNull: false } value ? (string?)value : null;

    private static RedisValue FieldValue(NameValueEntry[] fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name == name)
            {
                return field.Value;
            }
        }

        return RedisValue.Null;
    }
}
