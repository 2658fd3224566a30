using System.Text.Json;
using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;
using Switchboard.SocketIO.Packets.MsgPack;

namespace Switchboard.Redis.Wire;

/// <summary>
/// A session kept for connection state recovery, as @socket.io/redis-streams-adapter keeps it under
/// <c>sio:session:{pid}</c>: the base64 text of the msgpack of <c>{sid, pid, rooms, data}</c>, so that a Node server
/// restores a session a Switchboard server kept, and the other way round. Switchboard adds <c>connectOffset</c> (the
/// stream's position when the socket connected, where replay starts for a client that received no event since), which
/// Node ignores.
/// </summary>
internal static class SessionRecord
{
    /// <summary>Writes <paramref name="session"/>; data values as event arguments are written (see <see cref="MsgPackWriter.WriteArgument"/>).</summary>
    public static string Write(PersistedSession session, JsonSerializerOptions json) =>
        Convert.ToBase64String(ClusterMessageWriter.MsgPack((session, json), static (writer, s) =>
        {
            writer.WriteMapHeader(s.session.ConnectOffset is null ? 4 : 5);
            writer.WriteString("sid"u8);
            writer.WriteString(s.session.Sid);
            writer.WriteString("pid"u8);
            writer.WriteString(s.session.Pid);
            writer.WriteString("rooms"u8);
            writer.WriteArrayHeader(s.session.Rooms.Count);
            foreach (var room in s.session.Rooms)
            {
                writer.WriteString(room);
            }

            writer.WriteString("data"u8);
            writer.WriteMapHeader(s.session.Data.Count);
            foreach (var (key, value) in s.session.Data)
            {
                writer.WriteString(key);
                writer.WriteArgument(value, s.json);
            }

            if (s.session.ConnectOffset is { } offset)
            {
                writer.WriteString("connectOffset"u8);
                writer.WriteString(offset);
            }
        }));

    /// <summary>
    /// Reads a kept session; null when it is not one. Data values come back as <see cref="JsonElement"/>, binary ones
    /// as <see cref="T:byte[]"/>.
    /// </summary>
    public static PersistedSession? Read(string text)
    {
        var bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || !ClusterMessage.TryDecode(bytes.AsSpan(0, written), out var record)
            || record.GetString("sid") is not { } sid || record.GetString("pid") is not { } pid
            || !ClusterMessage.TryReadRooms(record.Get("rooms"), out var rooms))
        {
            return null;
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (record.Get("data") is { ValueKind: JsonValueKind.Object } values)
        {
            foreach (var property in values.EnumerateObject())
            {
                data[property.Name] = AttachmentOrValue(record, property.Value);
            }
        }

        return new PersistedSession(sid, pid, rooms, data, record.GetString("connectOffset"));
    }

    private static object AttachmentOrValue(ClusterMessage record, JsonElement value) =>
        AttachmentPlaceholder.TryGetIndex(value, record.Attachments.Count, out var index) ? record.Attachments[index] : value;
}
