using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>Properties of the Socket.IO codec over generated packets and hostile input.</summary>
public sealed class SocketCodecPropertyTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    // Any BMP text (lone surrogates cannot be encoded as UTF-8), now and then with a character beyond it.
    private static readonly Gen<string> Text =
        Gen.Select(Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 12], Gen.Bool, (s, emoji) => emoji ? s + "😀" : s);

    private static readonly Gen<string> Namespace = Gen.OneOf(
        Gen.Const("/"),
        Gen.String[Gen.Char["abcXYZ0189-_/é€ [{\""], 1, 8].Select(s => "/" + s));

    private static readonly Gen<long?> AckId =
        Gen.Select(Gen.Bool, Gen.OneOf(Gen.Long[0, 100], Gen.Long[0, long.MaxValue]), (has, id) => has ? id : (long?)null);

    private static readonly Gen<object?> Argument = Gen.OneOf<object?>(
        Text.Select(s => (object?)s),
        Gen.Long.Select(n => (object?)n),
        Gen.Double[-1e9, 1e9].Select(d => (object?)d),
        Gen.Bool.Select(b => (object?)b),
        Gen.Const((object?)null),
        Gen.Byte.Array[0, 16].Select(b => (object?)b),
        Gen.Byte.Array[0, 16].Select(b => (object?)new ReadOnlyMemory<byte>(b)),
        Gen.Int.Array[0, 4].Select(a => (object?)a),
        Gen.Dictionary(Text, Text)[0, 3].Select(d => (object?)d));

    private static readonly Gen<object?[]> Arguments = Argument.Array[0, 6];

    private static readonly Gen<string> EventName = Text.Where(name => !ReservedEventNames.Contains(name));

    private static readonly string[] Tokens =
    [
        "0", "1", "2", "3", "4", "5", "6", "7", "-", "/", "/admin", ",", "12", "[", "]", "{", "}", "\"", "\"ev\"",
        "\"connect\"", ":", "_placeholder", "\"_placeholder\"", "true", "false", "null", "\"num\"", "1.5", "-1", "1e400",
        " ", "\\u", "\\ud800", "\\udc00", "x", "é", "99999999999999999999", "\u001e",
    ];

    private static readonly Gen<byte[]> PacketLikeText = Gen.OneOf(Tokens).Array[0, 16].Select(t => Wire.Utf8(string.Concat(t)));

    // Member names of the placeholder's length with escapes that .NET cannot unescape, among real placeholders.
    private static readonly Gen<string> PlaceholderKey =
        Gen.OneOf(Gen.Const("_placeholder"), Gen.Const("\\udc00xxxxxx"), Gen.Const("\\ud800\\u005f"), Gen.Const("\\udc00"));

    private static readonly Gen<byte[]> Placeholders =
        Gen.Select(PlaceholderKey, Gen.Int[-1, 3]).Array[1, 4].Select(items =>
            Wire.Utf8($"5{items.Length}-[\"ev\"" + string.Concat(Array.ConvertAll(items, p => $",{{\"{p.Item1}\":true,\"num\":{p.Item2}}}")) + "]"));

    [Fact]
    public void Encoded_event_decodes_to_the_same_namespace_ack_id_name_and_arguments()
    {
        Gen.Select(Namespace, EventName, Arguments, AckId).Sample((nsp, name, args, ackId) =>
        {
            var packets = SocketPacketEncoder.EncodeEvent(nsp, name, args, ackId, Options);

            var packet = DecodeAll(packets);

            var binary = CountBinary(args);
            Assert.Equal(binary == 0 ? SocketPacketType.Event : SocketPacketType.BinaryEvent, packet.Type);
            Assert.Equal(nsp, packet.Namespace);
            Assert.Equal(ackId, packet.AckId);
            Assert.Equal(name, packet.Data!.Value[0].GetString());
            AssertArguments(args, packet, offset: 1);
        }, iter: 1000);
    }

    [Fact]
    public void Encoded_ack_decodes_to_the_same_namespace_id_and_arguments()
    {
        Gen.Select(Namespace, Arguments, Gen.Long[0, long.MaxValue]).Sample((nsp, args, ackId) =>
        {
            var packet = DecodeAll(SocketPacketEncoder.EncodeAck(nsp, ackId, args, Options));

            Assert.Equal(CountBinary(args) == 0 ? SocketPacketType.Ack : SocketPacketType.BinaryAck, packet.Type);
            Assert.Equal(nsp, packet.Namespace);
            Assert.Equal(ackId, packet.AckId);
            AssertArguments(args, packet, offset: 0);
        }, iter: 1000);
    }

    [Fact]
    public void Decoded_packet_encodes_back_to_the_same_frames()
    {
        Gen.Select(Namespace, EventName, Arguments, AckId).Sample((nsp, name, args, ackId) =>
        {
            var packets = SocketPacketEncoder.EncodeEvent(nsp, name, args, ackId, Options);

            var again = SocketPacketEncoder.Encode(DecodeAll(packets));

            Assert.Equal(packets.Length, again.Length);
            for (var i = 0; i < packets.Length; i++)
            {
                Assert.Equal(packets[i].IsBinary, again[i].IsBinary);
                Assert.Equal(packets[i].Frame.ToArray(), again[i].Frame.ToArray());
            }
        }, iter: 1000);
    }

    [Fact]
    public void Connect_connect_error_and_disconnect_round_trip()
    {
        Gen.Select(Namespace, Text, Text).Sample((nsp, sid, message) =>
        {
            var connect = DecodeAll([SocketPacketEncoder.EncodeConnect(nsp, sid, message)]);
            Assert.Equal((SocketPacketType.Connect, nsp), (connect.Type, connect.Namespace));
            Assert.Equal(sid, connect.Data!.Value.GetProperty("sid").GetString());
            Assert.Equal(message, connect.Data!.Value.GetProperty("pid").GetString());

            var error = DecodeAll([SocketPacketEncoder.EncodeConnectError(nsp, message, null, Options)]);
            Assert.Equal((SocketPacketType.ConnectError, nsp), (error.Type, error.Namespace));
            Assert.Equal(message, error.Data!.Value.GetProperty("message").GetString());

            var disconnect = DecodeAll([SocketPacketEncoder.EncodeDisconnect(nsp)]);
            Assert.Equal((SocketPacketType.Disconnect, nsp, (JsonElement?)null), (disconnect.Type, disconnect.Namespace, disconnect.Data));
        }, iter: 500);
    }

    [Fact]
    public void Decode_text_never_throws_on_random_input()
    {
        Gen.OneOf(Gen.Byte.Array[0, 64], PacketLikeText, Placeholders).Sample(text =>
        {
            var decoder = new SocketPacketDecoder();
            var status = decoder.DecodeText(text, out var packet);
            AssertConsistent(status, packet);
        }, iter: 10_000);
    }

    [Fact]
    public void Any_sequence_of_text_and_binary_input_never_throws_and_yields_consistent_packets()
    {
        var operation = Gen.OneOf(
            Gen.OneOf(Gen.Byte.Array[0, 64], PacketLikeText, Placeholders).Select(bytes => (Text: true, Bytes: bytes)),
            Gen.Byte.Array[0, 8].Select(bytes => (Text: false, Bytes: bytes)));

        Gen.Select(Gen.Int[0, 4], operation.Array[1, 10]).Sample((maxAttachments, operations) =>
        {
            var decoder = new SocketPacketDecoder(maxAttachments);
            foreach (var (text, bytes) in operations)
            {
                var status = text ? decoder.DecodeText(bytes, out var packet) : decoder.DecodeBinary(bytes, out packet);
                AssertConsistent(status, packet);
                if (status != SocketDecodeStatus.Ok)
                {
                    Assert.False(decoder.IsAwaitingAttachments);
                }
            }
        }, iter: 5000);
    }

    private static SocketPacket DecodeAll(EnginePacket[] packets)
    {
        var status = Wire.Decode(new SocketPacketDecoder(), packets, out var packet);
        Assert.Equal(SocketDecodeStatus.Ok, status);
        return Assert.IsType<SocketPacket>(packet);
    }

    private static int CountBinary(object?[] args) => Array.FindAll(args, a => a is byte[] or ReadOnlyMemory<byte>).Length;

    private static void AssertArguments(object?[] args, SocketPacket packet, int offset)
    {
        var data = packet.Data!.Value;
        Assert.Equal(args.Length + offset, data.GetArrayLength());
        Assert.Equal(CountBinary(args), packet.Attachments.Count);
        for (var i = 0; i < args.Length; i++)
        {
            var element = data[i + offset];
            switch (args[i])
            {
                case byte[] bytes:
                    Assert.True(packet.TryGetAttachment(element, out var attachment));
                    Assert.Equal(bytes, attachment);
                    break;
                case ReadOnlyMemory<byte> memory:
                    Assert.True(packet.TryGetAttachment(element, out attachment));
                    Assert.Equal(memory.ToArray(), attachment);
                    break;
                default:
                    Assert.True(
                        JsonNode.DeepEquals(JsonSerializer.SerializeToNode(args[i], Options), JsonNode.Parse(element.GetRawText())),
                        $"argument {i}: {element.GetRawText()}");
                    break;
            }
        }
    }

    private static void AssertConsistent(SocketDecodeStatus status, SocketPacket? packet)
    {
        Assert.True(Enum.IsDefined(status));
        if (packet is null)
        {
            return;
        }

        Assert.Equal(SocketDecodeStatus.Ok, status);
        Assert.StartsWith("/", packet.Namespace, StringComparison.Ordinal);
        Assert.True(packet.AckId is null or >= 0);
        var isBinary = packet.Type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck;
        Assert.Equal(isBinary, packet.Attachments.Count > 0);
        if (packet.Data is { } data && packet.Type is SocketPacketType.Event or SocketPacketType.BinaryEvent)
        {
            Assert.True(data.GetArrayLength() > 0);
            if (data[0].ValueKind == JsonValueKind.String)
            {
                Assert.False(ReservedEventNames.Contains(data[0].GetString()!));
            }
        }
    }
}
