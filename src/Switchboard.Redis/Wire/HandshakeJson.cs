using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchboard.SocketIO;

namespace Switchboard.Redis.Wire;

/// <summary>
/// A socket's handshake in the shape Node's <c>socket.handshake</c> has, which <c>fetchSockets</c> answers carry
/// between servers: <c>{headers, time, address, xdomain, secure, issued, url, query, auth}</c>.
/// </summary>
internal static class HandshakeJson
{
    private static readonly JsonElement EmptyAuth = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Writes <paramref name="handshake"/>: header names in lower case, as Node's request has them, repeated values joined with <c>, </c>.</summary>
    public static void Write(Utf8JsonWriter writer, Handshake handshake)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("headers");
        foreach (var (name, values) in handshake.Headers)
        {
            writer.WriteString(name.ToLowerInvariant(), values.ToString());
        }

        writer.WriteEndObject();
        var issued = handshake.Issued.ToUniversalTime();

        // JavaScript's Date.prototype.toString, as Node writes `time`, in UTC.
        writer.WriteString("time", issued.ToString("ddd MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", CultureInfo.InvariantCulture));
        if (handshake.Address is { } address)
        {
            writer.WriteString("address", address.ToString());
        }

        writer.WriteBoolean("xdomain", handshake.Headers.ContainsKey("Origin"));
        writer.WriteBoolean("secure", handshake.Secure);
        writer.WriteNumber("issued", issued.ToUnixTimeMilliseconds());
        writer.WriteString("url", handshake.Url);
        writer.WriteStartObject("query");
        foreach (var (name, values) in handshake.Query)
        {
            if (values.Count == 1)
            {
                writer.WriteString(name, values[0]);
            }
            else
            {
                writer.WriteStartArray(name);
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
        writer.WritePropertyName("auth");
        handshake.Auth.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads a handshake another server sent. Missing or mistyped members get empty values rather than refusing the
    /// socket: the handshake is information, and the socket exists either way.
    /// </summary>
    public static Handshake Read(JsonElement json)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, values) in Pairs(json, "headers"))
        {
            headers[name] = values;
        }

        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (name, values) in Pairs(json, "query"))
        {
            query[name] = values;
        }

        var address = ClusterMessage.Member(json, "address") is { ValueKind: JsonValueKind.String } a && IPAddress.TryParse(a.GetString(), out var parsed) ? parsed : null;
        var issued = ClusterMessage.Member(json, "issued") is { ValueKind: JsonValueKind.Number } i && i.TryGetInt64(out var ms)
            && ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.UnixEpoch;
        var url = ClusterMessage.Member(json, "url") is { ValueKind: JsonValueKind.String } u ? u.GetString()! : "";
        var secure = ClusterMessage.Member(json, "secure")?.ValueKind == JsonValueKind.True;
        var auth = ClusterMessage.Member(json, "auth") is { ValueKind: JsonValueKind.Object } value ? value : EmptyAuth;
        return new Handshake(headers, new QueryCollection(query), url, address, secure, issued, auth);
    }

    // Node's headers and parsed query: each value a string, or an array of strings for a repeated name.
    private static IEnumerable<(string Name, StringValues Values)> Pairs(JsonElement json, string name)
    {
        if (ClusterMessage.Member(json, name) is not { ValueKind: JsonValueKind.Object } map)
        {
            yield break;
        }

        foreach (var property in map.EnumerateObject())
        {
            yield return (property.Name, property.Value.ValueKind switch
            {
                JsonValueKind.String => new StringValues(property.Value.GetString()),
                JsonValueKind.Array => new StringValues([.. property.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())]),
                _ => new StringValues(property.Value.GetRawText()),
            });
        }
    }

}
