using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;
using Switchboard.SocketIO.Packets.MsgPack;

namespace Switchboard.Redis.Wire;

/// <summary>
/// Writes the messages of @socket.io/redis-adapter 8.x byte for byte as its <c>index.ts</c> builds them, members in its
/// order: broadcasts, broadcast-with-ack requests and their answers in msgpack (notepack.io's choices, see
/// <see cref="MsgPackWriter"/>), every other request and response as <c>JSON.stringify</c> writes it.
/// </summary>
/// <remarks>
/// Event arguments go into msgpack as the server's own msgpack parser writes them (binary as <c>bin</c>), and into JSON
/// as System.Text.Json serializes them with the server's options. The JSON messages are those Node sends with
/// <c>JSON.stringify</c>, which has no binary type: binary in a server-side emit arrives as base64 text, where Node
/// writes <c>{"type":"Buffer","data":[…]}</c>.
/// </remarks>
internal static class ClusterMessageWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A broadcast, <c>[uid, {type: 2, data: [event, ...args], nsp}, {rooms, except, flags}]</c>, for the broadcast channel.</summary>
    public static byte[] Broadcast(string uid, BroadcastPacket packet, BroadcastOptions options, string nsp, JsonSerializerOptions json) =>
        MsgPack((uid, packet, options, nsp, json), static (writer, s) =>
        {
            writer.WriteArrayHeader(3);
            writer.WriteString(s.uid);
            WritePacket(writer, s.packet, s.nsp, s.json);
            WriteOptions(writer, s.options);
        });

    /// <summary>A broadcast every recipient must acknowledge, <c>{uid, requestId, type: 7, packet, opts}</c>, for the request channel.</summary>
    public static byte[] BroadcastRequest(string uid, string requestId, BroadcastPacket packet, BroadcastOptions options, string nsp, JsonSerializerOptions json) =>
        MsgPack((uid, requestId, packet, options, nsp, json), static (writer, s) =>
        {
            writer.WriteMapHeader(5);
            writer.WriteString("uid"u8);
            writer.WriteString(s.uid);
            WriteRequestId(writer, s.requestId);
            WriteType(writer, RequestType.Broadcast);
            writer.WriteString("packet"u8);
            WritePacket(writer, s.packet, s.nsp, s.json);
            writer.WriteString("opts"u8);
            WriteOptions(writer, s.options);
        });

    /// <summary>
    /// One client's answer to a broadcast request, <c>{type: 9, requestId, packet}</c>: its first argument, as Node's
    /// acknowledgement callbacks take only that; without <c>packet</c> when the client answered with none.
    /// </summary>
    public static byte[] BroadcastAck(string requestId, EventArguments answer, JsonSerializerOptions json) =>
        MsgPack((requestId, answer, json), static (writer, s) =>
        {
            var hasAnswer = s.answer.Count > 0;
            writer.WriteMapHeader(hasAnswer ? 3 : 2);
            WriteType(writer, RequestType.BroadcastAck);
            WriteRequestId(writer, s.requestId);
            if (hasAnswer)
            {
                writer.WriteString("packet"u8);
                writer.WriteArgument(s.answer.ToArray()[0], s.json);
            }
        });

    /// <summary><c>{uid, requestId, type: 1}</c>: every server's rooms.</summary>
    public static byte[] AllRoomsRequest(string uid, string requestId) =>
        Json((uid, requestId), static (writer, s) =>
        {
            writer.WriteString("uid", s.uid);
            writer.WriteString("requestId", s.requestId);
            writer.WriteNumber("type", (int)RequestType.AllRooms);
        });

    /// <summary><c>{uid, requestId, type: 5, opts: {rooms, except}}</c>: the matching sockets of every server.</summary>
    public static byte[] FetchRequest(string uid, string requestId, BroadcastOptions options) =>
        Json((uid, requestId, options), static (writer, s) =>
        {
            writer.WriteString("uid", s.uid);
            writer.WriteString("requestId", s.requestId);
            writer.WriteNumber("type", (int)RequestType.RemoteFetch);
            WriteTargets(writer, s.options);
        });

    /// <summary><c>{uid, type: 2 or 3, opts: {rooms, except}, rooms}</c>: the matching sockets join or leave <paramref name="rooms"/>.</summary>
    public static byte[] RoomsRequest(string uid, RequestType type, BroadcastOptions options, IReadOnlyList<string> rooms) =>
        Json((uid, type, options, rooms), static (writer, s) =>
        {
            writer.WriteString("uid", s.uid);
            writer.WriteNumber("type", (int)s.type);
            WriteTargets(writer, s.options);
            WriteStrings(writer, "rooms", s.rooms);
        });

    /// <summary><c>{uid, type: 4, opts: {rooms, except}, close}</c>: the matching sockets are disconnected.</summary>
    public static byte[] DisconnectRequest(string uid, BroadcastOptions options, bool close) =>
        Json((uid, options, close), static (writer, s) =>
        {
            writer.WriteString("uid", s.uid);
            writer.WriteNumber("type", (int)RequestType.RemoteDisconnect);
            WriteTargets(writer, s.options);
            writer.WriteBoolean("close", s.close);
        });

    /// <summary><c>{uid, requestId, type: 6, data: [event, ...args]}</c>, without <c>requestId</c> when no answer is awaited.</summary>
    public static byte[] ServerSideEmitRequest(string uid, string? requestId, string eventName, IReadOnlyList<object?> args, JsonSerializerOptions json) =>
        Json((uid, requestId, eventName, args, json), static (writer, s) =>
        {
            writer.WriteString("uid", s.uid);
            if (s.requestId is not null)
            {
                writer.WriteString("requestId", s.requestId);
            }

            writer.WriteNumber("type", (int)RequestType.ServerSideEmit);
            writer.WriteStartArray("data");
            writer.WriteStringValue(s.eventName);
            foreach (var arg in s.args)
            {
                WriteValue(writer, arg, s.json);
            }

            writer.WriteEndArray();
        });

    /// <summary><c>{requestId, sockets: [id, …]}</c>, the answer to a <see cref="RequestType.Sockets"/> request.</summary>
    public static byte[] SocketIdsResponse(string requestId, IEnumerable<string> ids) =>
        Json((requestId, ids), static (writer, s) =>
        {
            writer.WriteString("requestId", s.requestId);
            WriteStrings(writer, "sockets", s.ids);
        });

    /// <summary><c>{requestId, rooms: [room, …]}</c>, the answer to an <see cref="RequestType.AllRooms"/> request.</summary>
    public static byte[] RoomsResponse(string requestId, IEnumerable<string> rooms) =>
        Json((requestId, rooms), static (writer, s) =>
        {
            writer.WriteString("requestId", s.requestId);
            WriteStrings(writer, "rooms", s.rooms);
        });

    /// <summary><c>{requestId}</c>, the answer to a join, leave or disconnect request that named one socket.</summary>
    public static byte[] DoneResponse(string requestId) =>
        Json(requestId, static (writer, id) => writer.WriteString("requestId", id));

    /// <summary><c>{requestId, sockets: [{id, handshake, rooms, data}, …]}</c>, the answer to a <see cref="RequestType.RemoteFetch"/> request.</summary>
    public static byte[] FetchResponse(string requestId, IReadOnlyList<RemoteSocket> sockets, JsonSerializerOptions json) =>
        Json((requestId, sockets, json), static (writer, s) =>
        {
            writer.WriteString("requestId", s.requestId);
            writer.WritePropertyName("sockets");
            RemoteSocketJson.WriteArray(writer, s.sockets, s.json);
        });

    /// <summary>
    /// <c>{type: 6, requestId, data}</c>, one server's answer to a server-side emit: the first argument of its
    /// acknowledgement, as Node's callback takes only that; without <c>data</c> when it answered with none.
    /// </summary>
    public static byte[] ServerSideEmitResponse(string requestId, object?[] answer, JsonSerializerOptions json) =>
        Json((requestId, answer, json), static (writer, s) =>
        {
            writer.WriteNumber("type", (int)RequestType.ServerSideEmit);
            writer.WriteString("requestId", s.requestId);
            if (s.answer.Length > 0)
            {
                writer.WritePropertyName("data");
                WriteValue(writer, s.answer[0], s.json);
            }
        });

    /// <summary><c>{type: 8, requestId, clientCount}</c>: how many of this server's clients got a broadcast request's event.</summary>
    public static byte[] ClientCountResponse(string requestId, int clientCount) =>
        Json((requestId, clientCount), static (writer, s) =>
        {
            writer.WriteNumber("type", (int)RequestType.BroadcastClientCount);
            writer.WriteString("requestId", s.requestId);
            writer.WriteNumber("clientCount", s.clientCount);
        });

    /// <summary>
    /// <c>{uid, type: -1, probe}</c>: a message an adapter sends itself to see that it listens again (see
    /// <see cref="SubscriptionProbe"/>). Node's adapter ignores it, as any request of an unknown type or response to no request.
    /// </summary>
    public static byte[] Probe(string uid, string token) =>
        Json((uid, token), static (writer, s) =>
        {
            writer.WriteString("uid", s.uid);
            writer.WriteNumber("type", -1);
            writer.WriteString("probe", s.token);
        });

    /// <summary>One msgpack message that <paramref name="write"/> writes.</summary>
    internal static byte[] MsgPack<TState>(TState state, Action<MsgPackWriter, TState> write)
    {
        var writer = MsgPackWriter.Rent();
        try
        {
            write(writer, state);
            return writer.ToArray();
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    /// <summary>One JSON object whose members <paramref name="writeMembers"/> writes, escaped as <c>JSON.stringify</c> escapes.</summary>
    internal static byte[] Json<TState>(TState state, Action<Utf8JsonWriter, TState> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writeMembers(writer, state);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>{type: 2, data: [event, ...args], nsp}</c>: the packet object Node's BroadcastOperator builds, before it gets an
    /// id; without <c>nsp</c> when <paramref name="nsp"/> is null, as the Streams adapter publishes it before the
    /// namespace is set.
    /// </summary>
    internal static void WritePacket(MsgPackWriter writer, BroadcastPacket packet, string? nsp, JsonSerializerOptions json)
    {
        writer.WriteMapHeader(nsp is null ? 2 : 3);
        writer.WriteString("type"u8);
        writer.WriteInteger((long)SocketPacketType.Event);
        writer.WriteString("data"u8);
        writer.WriteArrayHeader(packet.Arguments.Count + 1);
        writer.WriteString(packet.EventName);
        foreach (var arg in packet.Arguments)
        {
            writer.WriteArgument(arg, json);
        }

        if (nsp is not null)
        {
            writer.WriteString("nsp"u8);
            writer.WriteString(nsp);
        }
    }

    /// <summary><c>{rooms, except, flags}</c>: flags hold what differs from Node's defaults.</summary>
    internal static void WriteOptions(MsgPackWriter writer, BroadcastOptions options)
    {
        writer.WriteMapHeader(3);
        writer.WriteString("rooms"u8);
        WriteStrings(writer, options.Rooms);
        writer.WriteString("except"u8);
        WriteStrings(writer, options.Except);
        writer.WriteString("flags"u8);
        writer.WriteMapHeader((options.Volatile ? 1 : 0) + (options.Compress ? 0 : 1) + (options.Timeout is null ? 0 : 1));
        if (options.Volatile)
        {
            writer.WriteString("volatile"u8);
            writer.WriteBoolean(true);
        }

        if (!options.Compress)
        {
            writer.WriteString("compress"u8);
            writer.WriteBoolean(false);
        }

        if (options.Timeout is { } timeout)
        {
            writer.WriteString("timeout"u8);
            writer.WriteNumber(timeout.TotalMilliseconds);
        }
    }

    private static void WriteStrings(MsgPackWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        foreach (var value in values)
        {
            writer.WriteString(value);
        }
    }

    private static void WriteType(MsgPackWriter writer, RequestType type)
    {
        writer.WriteString("type"u8);
        writer.WriteInteger((long)type);
    }

    private static void WriteRequestId(MsgPackWriter writer, string requestId)
    {
        writer.WriteString("requestId"u8);
        writer.WriteString(requestId);
    }

    // opts: {rooms, except}, as Node writes the targets of a request (no flags).
    private static void WriteTargets(Utf8JsonWriter writer, BroadcastOptions options)
    {
        writer.WriteStartObject("opts");
        WriteStrings(writer, "rooms", options.Rooms);
        WriteStrings(writer, "except", options.Except);
        writer.WriteEndObject();
    }

    /// <summary>A member that is a list of strings.</summary>
    internal static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>A value as System.Text.Json serializes it with <paramref name="json"/>.</summary>
    internal static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions json)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            JsonSerializer.Serialize(writer, value, value.GetType(), json);
        }
    }
}
