using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;
using Switchboard.SocketIO.Packets.MsgPack;

namespace Switchboard.Redis.Wire;

/// <summary>
/// Writes the messages of @socket.io/redis-streams-adapter 0.3 as it writes them, members in its order. A stream entry
/// has the fields <c>uid</c>, <c>nsp</c>, <c>type</c> (the number as text) and <c>data</c>: <c>JSON.stringify</c> of
/// the message's data, or, when the data holds binary values, the base64 text of its msgpack. A message on a pub/sub
/// channel is the whole <c>{type, data, uid, nsp}</c> in msgpack.
/// </summary>
/// <remarks>
/// Event arguments are written as the pub/sub adapter writes them (see <see cref="ClusterMessageWriter"/>): binary
/// values at the top level of an event make its entry msgpack, as they are the binary values Switchboard sends clients.
/// </remarks>
internal static class StreamsMessageWriter
{
    /// <summary>
    /// A broadcast's stream entry, data <c>{packet: {type: 2, data: [event, ...args]}, opts: {rooms, except, flags}}</c>;
    /// JSON even with binary values when <paramref name="onlyPlaintext"/>.
    /// </summary>
    public static NameValueEntry[] Broadcast(string uid, string nsp, BroadcastPacket packet, BroadcastOptions options, JsonSerializerOptions json, bool onlyPlaintext)
    {
        RedisValue data;
        if (!onlyPlaintext && HasBinary(packet.Arguments))
        {
            data = Convert.ToBase64String(ClusterMessageWriter.MsgPack((packet, options, json), static (writer, s) =>
            {
                writer.WriteMapHeader(2);
                writer.WriteString("packet"u8);
                ClusterMessageWriter.WritePacket(writer, s.packet, null, s.json);
                writer.WriteString("opts"u8);
                ClusterMessageWriter.WriteOptions(writer, s.options);
            }));
        }
        else
        {
            data = ClusterMessageWriter.Json((packet, options, json), static (writer, s) =>
            {
                writer.WriteStartObject("packet");
                writer.WriteNumber("type", (int)SocketPacketType.Event);
                writer.WriteStartArray("data");
                writer.WriteStringValue(s.packet.EventName);
                foreach (var arg in s.packet.Arguments)
                {
                    ClusterMessageWriter.WriteValue(writer, arg, s.json);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                WriteOptions(writer, s.options);
            });
        }

        return Entry(uid, nsp, ClusterAdapterMessageType.Broadcast, data);
    }

    /// <summary>The stream entry of <c>socketsJoin</c> or <c>socketsLeave</c>, data <c>{opts, rooms}</c>.</summary>
    public static NameValueEntry[] Rooms(string uid, string nsp, ClusterAdapterMessageType type, BroadcastOptions options, IReadOnlyList<string> rooms) =>
        Entry(uid, nsp, type, ClusterMessageWriter.Json((options, rooms), static (writer, s) =>
        {
            WriteOptions(writer, s.options);
            ClusterMessageWriter.WriteStrings(writer, "rooms", s.rooms);
        }));

    /// <summary>The stream entry of <c>disconnectSockets</c>, data <c>{opts, close}</c>.</summary>
    public static NameValueEntry[] DisconnectSockets(string uid, string nsp, BroadcastOptions options, bool close) =>
        Entry(uid, nsp, ClusterAdapterMessageType.DisconnectSockets, ClusterMessageWriter.Json((options, close), static (writer, s) =>
        {
            WriteOptions(writer, s.options);
            writer.WriteBoolean("close", s.close);
        }));

    /// <summary>A broadcast every recipient acknowledges, data <c>{packet, requestId, opts}</c>, for the public channel.</summary>
    public static byte[] BroadcastWithAck(string uid, string nsp, string requestId, BroadcastPacket packet, BroadcastOptions options, JsonSerializerOptions json) =>
        Published(uid, nsp, ClusterAdapterMessageType.Broadcast, (requestId, packet, options, json), static (writer, s) =>
        {
            writer.WriteMapHeader(3);
            writer.WriteString("packet"u8);
            ClusterMessageWriter.WritePacket(writer, s.packet, null, s.json);
            WriteRequestId(writer, s.requestId);
            writer.WriteString("opts"u8);
            ClusterMessageWriter.WriteOptions(writer, s.options);
        });

    /// <summary><c>fetchSockets</c>, data <c>{opts, requestId}</c>, for the public channel.</summary>
    public static byte[] FetchSockets(string uid, string nsp, string requestId, BroadcastOptions options) =>
        Published(uid, nsp, ClusterAdapterMessageType.FetchSockets, (requestId, options), static (writer, s) =>
        {
            writer.WriteMapHeader(2);
            writer.WriteString("opts"u8);
            ClusterMessageWriter.WriteOptions(writer, s.options);
            WriteRequestId(writer, s.requestId);
        });

    /// <summary>
    /// <c>serverSideEmit</c>, data <c>{requestId, packet: [event, ...args]}</c>, without <c>requestId</c> when no
    /// answer is awaited, for the public channel.
    /// </summary>
    public static byte[] ServerSideEmit(string uid, string nsp, string? requestId, string eventName, IReadOnlyList<object?> args, JsonSerializerOptions json) =>
        Published(uid, nsp, ClusterAdapterMessageType.ServerSideEmit, (requestId, eventName, args, json), static (writer, s) =>
        {
            writer.WriteMapHeader(s.requestId is null ? 1 : 2);
            if (s.requestId is not null)
            {
                WriteRequestId(writer, s.requestId);
            }

            writer.WriteString("packet"u8);
            writer.WriteArrayHeader(s.args.Count + 1);
            writer.WriteString(s.eventName);
            foreach (var arg in s.args)
            {
                writer.WriteArgument(arg, s.json);
            }
        });

    /// <summary>The answer to <c>fetchSockets</c>, data <c>{requestId, sockets: [{id, handshake, rooms, data}, …]}</c>.</summary>
    public static byte[] FetchSocketsResponse(string uid, string nsp, string requestId, IReadOnlyList<RemoteSocket> sockets, JsonSerializerOptions json) =>
        Published(uid, nsp, ClusterAdapterMessageType.FetchSocketsResponse, (requestId, sockets, json), static (writer, s) =>
        {
            writer.WriteMapHeader(2);
            WriteRequestId(writer, s.requestId);
            writer.WriteString("sockets"u8);
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var json = new Utf8JsonWriter(buffer))
            {
                RemoteSocketJson.WriteArray(json, s.sockets, s.json);
            }

            writer.WriteJson(buffer.WrittenSpan);
        });

    /// <summary>
    /// One answer to a server-side emit (<paramref name="type"/> <see cref="ClusterAdapterMessageType.ServerSideEmitResponse"/>)
    /// or one client's answer to a broadcast (<see cref="ClusterAdapterMessageType.BroadcastAck"/>), data
    /// <c>{requestId, packet}</c>: the first argument, as Node's callbacks take only that; nil when there was none.
    /// </summary>
    public static byte[] Answer(string uid, string nsp, ClusterAdapterMessageType type, string requestId, IReadOnlyList<object?> answer, JsonSerializerOptions json) =>
        Published(uid, nsp, type, (requestId, answer, json), static (writer, s) =>
        {
            writer.WriteMapHeader(2);
            WriteRequestId(writer, s.requestId);
            writer.WriteString("packet"u8);
            writer.WriteArgument(s.answer.Count > 0 ? s.answer[0] : null, s.json);
        });

    /// <summary>How many of this server's clients received a broadcast with acknowledgements, data <c>{requestId, clientCount}</c>.</summary>
    public static byte[] BroadcastClientCount(string uid, string nsp, string requestId, int clientCount) =>
        Published(uid, nsp, ClusterAdapterMessageType.BroadcastClientCount, (requestId, clientCount), static (writer, s) =>
        {
            writer.WriteMapHeader(2);
            WriteRequestId(writer, s.requestId);
            writer.WriteString("clientCount"u8);
            writer.WriteInteger(s.clientCount);
        });

    /// <summary>
    /// <c>{uid, probe}</c>: a message an adapter sends itself to see that it listens again (see
    /// <see cref="SubscriptionProbe"/>). Without a namespace, Node's adapter ignores it.
    /// </summary>
    public static byte[] Probe(string uid, string token) =>
        ClusterMessageWriter.MsgPack((uid, token), static (writer, s) =>
        {
            writer.WriteMapHeader(2);
            writer.WriteString("uid"u8);
            writer.WriteString(s.uid);
            writer.WriteString("probe"u8);
            writer.WriteString(s.token);
        });

    private static bool HasBinary(IReadOnlyList<object?> args)
    {
        foreach (var arg in args)
        {
            if (SocketPacketEncoder.IsBinary(arg))
            {
                return true;
            }
        }

        return false;
    }

    private static NameValueEntry[] Entry(string uid, string nsp, ClusterAdapterMessageType type, RedisValue data) =>
    [
        new("uid", uid),
        new("nsp", nsp),
        new("type", ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("data", data),
    ];

    // {type, data, uid, nsp}: ClusterAdapter builds {type, data} and publishAndReturnOffset adds uid and nsp.
    private static byte[] Published<TState>(string uid, string nsp, ClusterAdapterMessageType type, TState state, Action<MsgPackWriter, TState> writeData) =>
        ClusterMessageWriter.MsgPack((uid, nsp, type, state, writeData), static (writer, s) =>
        {
            writer.WriteMapHeader(4);
            writer.WriteString("type"u8);
            writer.WriteInteger((long)s.type);
            writer.WriteString("data"u8);
            s.writeData(writer, s.state);
            writer.WriteString("uid"u8);
            writer.WriteString(s.uid);
            writer.WriteString("nsp"u8);
            writer.WriteString(s.nsp);
        });

    private static void WriteRequestId(MsgPackWriter writer, string requestId)
    {
        writer.WriteString("requestId"u8);
        writer.WriteString(requestId);
    }

    // opts: {rooms, except, flags}, JSON, flags as ClusterMessageWriter writes them in msgpack.
    private static void WriteOptions(Utf8JsonWriter writer, BroadcastOptions options)
    {
        writer.WriteStartObject("opts");
        ClusterMessageWriter.WriteStrings(writer, "rooms", options.Rooms);
        ClusterMessageWriter.WriteStrings(writer, "except", options.Except);
        writer.WriteStartObject("flags");
        if (options.Volatile)
        {
            writer.WriteBoolean("volatile", true);
        }

        if (!options.Compress)
        {
            writer.WriteBoolean("compress", false);
        }

        if (options.Timeout is { } timeout)
        {
            writer.WriteNumber("timeout", timeout.TotalMilliseconds);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
