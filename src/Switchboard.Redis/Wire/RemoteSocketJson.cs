using System.Text.Json;
using Switchboard.SocketIO;

namespace Switchboard.Redis.Wire;

/// <summary>
/// The sockets in answers to <c>fetchSockets</c> between servers, in the shape both Node adapters give them:
/// <c>[{id, handshake, rooms, data}, …]</c>.
/// </summary>
internal static class RemoteSocketJson
{
    /// <summary>Writes <paramref name="sockets"/> as a JSON array, their data serialized with <paramref name="json"/>.</summary>
    public static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<RemoteSocket> sockets, JsonSerializerOptions json)
    {
        writer.WriteStartArray();
        foreach (var socket in sockets)
        {
            writer.WriteStartObject();
            writer.WriteString("id", socket.Id);
            writer.WritePropertyName("handshake");
            HandshakeJson.Write(writer, socket.Handshake);
            writer.WriteStartArray("rooms");
            foreach (var room in socket.Rooms)
            {
                writer.WriteStringValue(room);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, socket.Data, json);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Reads the sockets of one answer into <paramref name="sockets"/>, skipping any without a string id or with rooms
    /// that are not a list of names; their data values stay JSON.
    /// </summary>
    public static void ReadArray(Namespace nsp, JsonElement? list, List<RemoteSocket> sockets)
    {
        if (list is not { ValueKind: JsonValueKind.Array } array)
        {
            return;
        }

        foreach (var socket in array.EnumerateArray())
        {
            if (socket.ValueKind != JsonValueKind.Object
                || !socket.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !ClusterMessage.TryReadRooms(socket.TryGetProperty("rooms", out var rooms) ? rooms : null, out var roomList))
            {
                continue;
            }

            var data = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (socket.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in values.EnumerateObject())
                {
                    data[property.Name] = property.Value;
                }
            }

            var handshake = HandshakeJson.Read(socket.TryGetProperty("handshake", out var h) ? h : default);
            sockets.Add(new RemoteSocket(nsp, id.GetString()!, handshake, new HashSet<string>(roomList, StringComparer.Ordinal), data));
        }
    }
}
