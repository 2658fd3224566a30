using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>
/// <see cref="SocketParser.MsgPack"/> against npm's socket.io-msgpack-parser 3.0.2 (notepack.io 2.2.0). Every
/// expected hex string is what <c>new (require("socket.io-msgpack-parser").Encoder)().encode(packet)[0]</c> gave for
/// the packet object in the comment above it, built the way the Node server (or socket.io-client 4.8) builds it.
/// </summary>
public sealed class MsgPackParserTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    private static readonly SocketParser Parser = SocketParser.MsgPack;

    // Text up to the str 16 size class, now and then beyond the BMP.
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Select(Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 40], Gen.Bool, (s, emoji) => emoji ? s + "😀" : s),
        Gen.Char['a', 'z'].Select(c => new string(c, 300)));

    // The JSON parser, which the tests compare with, has no comma in a namespace.
    private static readonly Gen<string> Namespace = Gen.OneOf(Gen.Const("/"), Text.Where(s => !s.Contains(',', StringComparison.Ordinal)).Select(s => "/" + s));

    private static readonly Gen<object?> Argument = Gen.OneOf<object?>(
        Text.Select(s => (object?)s),
        Gen.Long.Select(n => (object?)n),
        Gen.Int.Select(n => (object?)n),
        Gen.Double[-1e9, 1e9].Select(d => (object?)d),
        Gen.Bool.Select(b => (object?)b),
        Gen.Const((object?)null),
        Gen.Byte.Array[0, 300].Select(b => (object?)b),
        Gen.Byte.Array[0, 16].Select(b => (object?)new ReadOnlyMemory<byte>(b)),
        Gen.Int.Array[0, 20].Select(a => (object?)a),
        Gen.Dictionary(Text, Gen.Long)[0, 20].Select(d => (object?)d));

    public static TheoryData<string, string> ServerPackets => new()
    {
        // {type: 2, data: ["chat", "hello", 1, -1, 1.5, true, null, {a: [1, 2]}], nsp: "/"}
        { "event", "83a47479706502a46461746198a463686174a568656c6c6f01ffcb3ff8000000000000c3c081a161920102a36e7370a12f" },

        // {type: 2, data: ["ask", Buffer.from([1, 2, 3])], id: 12, nsp: "/admin"}
        { "eventWithAck", "84a47479706502a46461746192a361736bc403010203a269640ca36e7370a62f61646d696e" },

        // {id: 7, type: 3, data: [127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -32, -33, -128, -129,
        //  -32768, -32769, -2147483648, -2147483649], nsp: "/"}
        {
            "ackIntegers",
            "84a2696407a47479706503a464617461dc00107fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000e0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffffa36e7370a12f"
        },

        // {id: 0, type: 3, data: [0.1, -2.5, -0], nsp: "/"}
        { "ackFloats", "84a2696400a47479706503a46461746193cb3fb999999999999acbc00400000000000000a36e7370a12f" },

        // {type: 0, data: {sid: "abc"}, nsp: "/"}
        { "connect", "83a47479706500a46461746181a3736964a3616263a36e7370a12f" },

        // {type: 0, data: {sid: "abc", pid: "xyz"}, nsp: "/admin"}
        { "connectPid", "83a47479706500a46461746182a3736964a3616263a3706964a378797aa36e7370a62f61646d696e" },

        // {type: 4, data: {message: "Invalid namespace"}, nsp: "/nope"}
        { "connectError", "83a47479706504a46461746181a76d657373616765b1496e76616c6964206e616d657370616365a36e7370a52f6e6f7065" },

        // {type: 4, data: {message: "refused", data: {code: 42}}, nsp: "/"}
        { "connectErrorData", "83a47479706504a46461746182a76d657373616765a772656675736564a46461746181a4636f64652aa36e7370a12f" },

        // {type: 1, nsp: "/"} and {type: 1, nsp: "/admin"}
        { "disconnect", "82a47479706501a36e7370a12f" },
        { "disconnectAdmin", "82a47479706501a36e7370a62f61646d696e" },

        // {type: 2, data: ["sizes", "x".repeat(31), "y".repeat(32), "z".repeat(300), "é€😀", [0, …, 15],
        //  {k0: 0, …, k15: 15}, Buffer.alloc(300, 7)], nsp: "/"}
        {
            "sizes",
            "83a47479706502a46461746198a573697a6573"
                + "bf" + Repeat("78", 31) + "d920" + Repeat("79", 32) + "da012c" + Repeat("7a", 300)
                + "a9c3a9e282acf09f9880"
                + "dc0010000102030405060708090a0b0c0d0e0f"
                + "de0010a26b3000a26b3101a26b3202a26b3303a26b3404a26b3505a26b3606a26b3707a26b3808a26b3909a36b31300aa36b31310ba36b31320ca36b31330da36b31340ea36b31350f"
                + "c5012c" + Repeat("07", 300)
                + "a36e7370a12f"
        },
    };

    [Theory, MemberData(nameof(ServerPackets))]
    public void Encodes_each_packet_to_the_bytes_of_the_npm_parser(string name, string hex)
    {
        var packet = Assert.Single(EncodeServerPacket(name));

        Assert.True(packet.IsBinary);
        Assert.Equal(EnginePacketType.Message, packet.Type);
        Assert.Equal(hex, Convert.ToHexStringLower(packet.Frame.Span));
    }

    [Fact]
    public void Decodes_an_event_as_socket_io_client_sends_it_with_its_options_member_ignored()
    {
        // {type: 2, data: ["echo", "x", Buffer.from([9, 8])], options: {compress: true}, nsp: "/"}
        var packet = Decode("84a47479706502a46461746193a46563686fa178c4020908a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f");

        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Null(packet.AckId);
        Assert.Equal("""["echo","x",{"_placeholder":true,"num":0}]""", packet.Data!.Value.GetRawText());
        Assert.True(packet.TryGetAttachment(packet.Data.Value[2], out var bytes));
        Assert.Equal(new byte[] { 9, 8 }, bytes);
    }

    [Fact]
    public void Decodes_an_event_with_an_ack_id()
    {
        // {type: 2, data: ["ask", "why"], options: {compress: true}, id: 3, nsp: "/"}
        var packet = Decode("85a47479706502a46461746192a361736ba3776879a76f7074696f6e7381a8636f6d7072657373c3a2696403a36e7370a12f");

        Assert.Equal(3, packet.AckId);
        Assert.Equal("""["ask","why"]""", packet.Data!.Value.GetRawText());
    }

    [Fact]
    public void Decodes_a_connect_whose_data_is_undefined_as_one_without_data()
    {
        // {type: 0, data: undefined, nsp: "/"}: the client without auth
        var packet = Decode("83a47479706500a464617461d40000a36e7370a12f");

        Assert.Equal(SocketPacketType.Connect, packet.Type);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Decodes_a_connect_with_auth_to_a_namespace()
    {
        // {type: 0, data: {token: "abc"}, nsp: "/admin"}
        var packet = Decode("83a47479706500a46461746181a5746f6b656ea3616263a36e7370a62f61646d696e");

        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("abc", packet.Data!.Value.GetProperty("token").GetString());
    }

    [Fact]
    public void Decodes_an_ack_with_binary()
    {
        // {type: 3, data: ["how", Buffer.from([7, 8])], id: 0, nsp: "/"}
        var packet = Decode("84a47479706503a46461746192a3686f77c4020708a2696400a36e7370a12f");

        Assert.Equal((SocketPacketType.Ack, 0L), (packet.Type, packet.AckId));
        Assert.Equal(new byte[] { 7, 8 }, Assert.Single(packet.Attachments));
    }

    [Fact]
    public void Decodes_an_array_buffer_which_node_writes_as_extension_0_as_binary()
    {
        // {type: 2, data: ["bin", new Uint8Array([1, 2, 3]).buffer], nsp: "/"}
        var packet = Decode("83a47479706502a46461746192a362696ec70300010203a36e7370a12f");

        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.Single(packet.Attachments));
    }

    [Fact]
    public void Decodes_undefined_as_json_stringify_writes_it_null_in_an_array_and_absent_in_an_object()
    {
        // {type: 2, data: ["u", undefined, {a: undefined, b: 1}], nsp: "/"}
        var packet = Decode("83a47479706502a46461746193a175d4000082a161d40000a16201a36e7370a12f");

        Assert.Equal("""["u",null,{"b":1}]""", packet.Data!.Value.GetRawText());
    }

    [Fact]
    public void Decodes_a_date_as_its_iso_text()
    {
        // {type: 2, data: ["d", new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789))], nsp: "/"}
        var packet = Decode("83a47479706502a46461746192a164d7000000018df4dc5495a36e7370a12f");

        Assert.Equal(new DateTimeOffset(2024, 2, 29, 12, 34, 56, 789, TimeSpan.Zero), packet.Data!.Value[1].GetDateTimeOffset());
        Assert.Equal("\"2024-02-29T12:34:56.789Z\"", packet.Data.Value[1].GetRawText());
    }

    [Theory]
    [InlineData(0L, "\"1970-01-01T00:00:00.000Z\"")]
    [InlineData(-1L, "\"1969-12-31T23:59:59.999Z\"")]
    [InlineData(-62167219200000L, "\"0000-01-01T00:00:00.000Z\"")]
    [InlineData(-62167219200001L, "\"-000001-12-31T23:59:59.999Z\"")]
    [InlineData(253402300800000L, "\"+010000-01-01T00:00:00.000Z\"")]
    [InlineData(8640000000000000L, "\"+275760-09-13T00:00:00.000Z\"")]
    [InlineData(-8640000000000000L, "\"-271821-04-20T00:00:00.000Z\"")]
    [InlineData(8640000000000001L, "null")]
    [InlineData(long.MinValue, "null")]
    public void Decodes_a_date_anywhere_in_javascripts_range_as_to_iso_string_writes_it(long milliseconds, string json)
    {
        // {type: 2, data: ["d", new Date(milliseconds)], nsp: "/"}, the texts as Node 20 gives them
        var packet = Decode($"83a474797065 02 a464617461 92 a164 d700{milliseconds:x16} a36e7370a12f");

        Assert.Equal(json, packet.Data!.Value[1].GetRawText());
    }

    [Fact]
    public void Decodes_float_32_nan_infinity_and_minus_zero_as_javascript_would_stringify_them()
    {
        // {type: 2, data: ["f", float32 0.5, NaN, -Infinity, -0], nsp: "/"}
        var packet = Decode("83a474797065 02 a464617461 95 a166 ca3f000000 cb7ff8000000000000 cbfff0000000000000 cb8000000000000000 a36e7370a12f");

        Assert.Equal("""["f",0.5,null,null,0]""", packet.Data!.Value.GetRawText());
    }

    [Fact]
    public void Decodes_other_extensions_as_notepack_does_into_type_and_bytes()
    {
        // {type: 2, data: ["x", fixext 1 of type 5 holding 0xaa], nsp: "/"}
        var packet = Decode("83a474797065 02 a464617461 92 a178 d405aa a36e7370a12f");

        Assert.Equal("""["x",[5,{"_placeholder":true,"num":0}]]""", packet.Data!.Value.GetRawText());
        Assert.Equal(new byte[] { 0xaa }, Assert.Single(packet.Attachments));
    }

    [Fact]
    public void Decodes_integer_keys_as_javascript_names_them_and_replaces_invalid_utf8()
    {
        // {type: 2, data: ["k", {1: "one", -2: "\xff"}], nsp: "/"}
        var packet = Decode("83a474797065 02 a464617461 92 a16b 82 01a36f6e65 fea1ff a36e7370a12f");

        var keys = packet.Data!.Value[1];
        Assert.Equal(["1", "-2"], keys.EnumerateObject().Select(p => p.Name));
        Assert.Equal("one", keys.GetProperty("1").GetString());
        Assert.Equal("\uFFFD", keys.GetProperty("-2").GetString());
    }

    [Fact]
    public void Decodes_members_in_any_order_and_the_last_of_a_repeated_member()
    {
        // {nsp: "/a", data: ["ev"], id: 1, type: 3, type: 2, nsp: "/b"} — a map with repeated keys
        var packet = Decode("86 a36e7370a22f61 a46461746191a26576 a2696401 a47479706503 a47479706502 a36e7370a22f62");

        Assert.Equal((SocketPacketType.Event, "/b", 1L), (packet.Type, packet.Namespace, packet.AckId));
    }

    [Fact]
    public void Float_type_and_id_with_integral_values_are_accepted_as_javascript_integers()
    {
        // {type: 2.0, data: ["ev"], id: 5.0, nsp: "/"}
        var packet = Decode("84 a474797065cb4000000000000000 a46461746191a26576 a26964 cb4014000000000000 a36e7370a12f");

        Assert.Equal((SocketPacketType.Event, 5L), (packet.Type, packet.AckId));
    }

    [Fact]
    public void A_number_beyond_64_bits_is_written_as_float_64_where_notepack_garbles_it()
    {
        var packet = Assert.Single(Parser.EncodeAck("/", 1, [1e300, 18446744073709551615UL], Options));

        // {id: 1, type: 3, data: [float64 1e300, uint64 max], nsp: "/"}
        Assert.Equal(
            "84a2696401a47479706503a46461746192cb7e37e43c8800759ccfffffffffffffffffa36e7370a12f",
            Convert.ToHexStringLower(packet.Frame.Span));
    }

    [Fact]
    public void Json_element_arguments_are_written_as_the_values_they_hold()
    {
        using var json = JsonDocument.Parse("""[1, 1.0, 1e3, -0.0, 2.5, "a\u00e9\"", {"k": [true, false, null]}, 9007199254740993]""");
        var args = json.RootElement.EnumerateArray().Select(e => (object?)e).ToArray();

        var packet = Assert.Single(Parser.EncodeAck("/", 1, args, Options));

        // {id: 1, type: 3, data: [1, 1, 1000, 0, 2.5, "aé\"", {k: [true, false, null]}, 9007199254740993], nsp: "/"}
        Assert.Equal(
            "84a2696401a47479706503a46461746198" + "0101cd03e800cb4004000000000000a461c3a922" + "81a16b93c3c2c0" + "cf0020000000000001" + "a36e7370a12f",
            Convert.ToHexStringLower(packet.Frame.Span));
    }

    [Fact]
    public void A_decoded_event_relayed_unchanged_gives_the_same_bytes()
    {
        var original = Assert.Single(EncodeServerPacket("sizes"));
        var decoded = Decode(Convert.ToHexStringLower(original.Frame.Span));
        var data = decoded.Data!.Value;
        var args = Enumerable.Range(1, data.GetArrayLength() - 1)
            .Select(i => decoded.TryGetAttachment(data[i], out var bytes) ? bytes : (object?)data[i])
            .ToArray();

        var relayed = Assert.Single(Parser.EncodeEvent(decoded.Namespace, data[0].GetString()!, args, null, Options));

        Assert.Equal(original.Frame.ToArray(), relayed.Frame.ToArray());
    }

    [Fact]
    public void An_event_decodes_to_the_packet_the_json_parser_gives_for_it()
    {
        var ackIds = Gen.Select(Gen.Bool, Gen.Long[0, long.MaxValue], (has, id) => has ? id : (long?)null);
        var names = Text.Where(name => !ReservedEventNames.Contains(name));
        Gen.Select(Namespace, names, Argument.Array[0, 6], ackIds).Sample(
            (nsp, name, args, ackId) => AssertSameAsJson(SocketParser.Json.EncodeEvent(nsp, name, args, ackId, Options), Parser.EncodeEvent(nsp, name, args, ackId, Options)),
            iter: 1000);
    }

    [Fact]
    public void An_ack_decodes_to_the_packet_the_json_parser_gives_for_it()
    {
        Gen.Select(Namespace, Argument.Array[0, 6], Gen.Long[0, long.MaxValue]).Sample(
            (nsp, args, ackId) => AssertSameAsJson(SocketParser.Json.EncodeAck(nsp, ackId, args, Options), Parser.EncodeAck(nsp, ackId, args, Options)),
            iter: 1000);
    }

    [Fact]
    public void Connect_connect_error_and_disconnect_decode_to_the_packets_the_json_parser_gives_for_them()
    {
        var pids = Gen.OneOf(Gen.Const((string?)null), Text.Select(text => (string?)text));
        Gen.Select(Namespace, Text, pids).Sample((nsp, text, pid) =>
        {
            AssertSameAsJson([SocketParser.Json.EncodeConnect(nsp, text, pid)], [Parser.EncodeConnect(nsp, text, pid)]);
            AssertSameAsJson([SocketParser.Json.EncodeConnectError(nsp, text, null, Options)], [Parser.EncodeConnectError(nsp, text, null, Options)]);
            AssertSameAsJson([SocketParser.Json.EncodeConnectError(nsp, text, new { code = 42 }, Options)], [Parser.EncodeConnectError(nsp, text, new { code = 42 }, Options)]);
            AssertSameAsJson([SocketParser.Json.EncodeDisconnect(nsp)], [Parser.EncodeDisconnect(nsp)]);
        }, iter: 500);
    }

    [Fact]
    public void The_encoder_refuses_a_namespace_without_its_slash_and_a_negative_ack_id()
    {
        Assert.Throws<ArgumentException>(() => Parser.EncodeDisconnect("admin"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Parser.EncodeAck("/", -1, [], Options));
        Assert.Throws<ArgumentOutOfRangeException>(() => Parser.EncodeEvent("/", "ev", [], -1, Options));
    }

    [Fact]
    public void Binary_arguments_of_every_kind_are_written_as_bin()
    {
        var bytes = new byte[] { 0, 1, 2, 3, 4 };
        object?[] args = [bytes, new ReadOnlyMemory<byte>(bytes, 1, 2), new Memory<byte>(bytes, 2, 2), new ArraySegment<byte>(bytes, 3, 2)];

        var packet = DecodePacket(Parser.EncodeAck("/", 1, args, Options));

        Assert.Equal(new byte[][] { bytes, [1, 2], [2, 3], [3, 4] }, packet.Attachments);
    }

    // The packets of ServerPackets, made by the parser as the server makes them.
    private static EnginePacket[] EncodeServerPacket(string name) => name switch
    {
        "event" => Parser.EncodeEvent("/", "chat", ["hello", 1, -1, 1.5, true, null, new { a = new[] { 1, 2 } }], null, Options),
        "eventWithAck" => Parser.EncodeEvent("/admin", "ask", [new byte[] { 1, 2, 3 }], 12, Options),
        "ackIntegers" => Parser.EncodeAck(
            "/", 7, [127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649L], Options),
        "ackFloats" => Parser.EncodeAck("", 0, [0.1, -2.5, -0.0], Options),
        "connect" => [Parser.EncodeConnect("/", "abc", null)],
        "connectPid" => [Parser.EncodeConnect("/admin", "abc", "xyz")],
        "connectError" => [Parser.EncodeConnectError("/nope", "Invalid namespace", null, Options)],
        "connectErrorData" => [Parser.EncodeConnectError("/", "refused", new { code = 42 }, Options)],
        "disconnect" => [Parser.EncodeDisconnect("/")],
        "disconnectAdmin" => [Parser.EncodeDisconnect("/admin")],
        "sizes" => Parser.EncodeEvent(
            "/",
            "sizes",
            [
                new string('x', 31), new string('y', 32), new string('z', 300), "é€😀", Enumerable.Range(0, 16).ToArray(),
                Enumerable.Range(0, 16).ToDictionary(i => "k" + i, i => i), Enumerable.Repeat((byte)7, 300).ToArray(),
            ],
            null,
            Options),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Repeat(string hex, int count) => string.Concat(Enumerable.Repeat(hex, count));

    private static SocketPacket Decode(string hex)
    {
        var status = Parser.CreateDecoder(10).DecodeBinary(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), out var packet);

        Assert.Equal(SocketDecodeStatus.Ok, status);
        return Assert.IsType<SocketPacket>(packet);
    }

    private static SocketPacket DecodePacket(EnginePacket[] packets) => Decode(Convert.ToHexString(Assert.Single(packets).Frame.Span));

    // The server reads both alike: the same type (never a BINARY_* one here), namespace, ack id, JSON (binary as the
    // same placeholders) and attachments.
    private static void AssertSameAsJson(EnginePacket[] json, EnginePacket[] msgpack)
    {
        Assert.Equal(SocketDecodeStatus.Ok, Wire.Decode(new SocketPacketDecoder(), json, out var expected));
        var packet = DecodePacket(msgpack);

        var type = expected!.Type switch
        {
            SocketPacketType.BinaryEvent => SocketPacketType.Event,
            SocketPacketType.BinaryAck => SocketPacketType.Ack,
            var other => other,
        };
        Assert.Equal((type, expected.Namespace, expected.AckId), (packet.Type, packet.Namespace, packet.AckId));
        var (expectedData, data) = (expected.Data?.GetRawText(), packet.Data?.GetRawText());
        Assert.True(JsonNode.DeepEquals(expectedData is null ? null : JsonNode.Parse(expectedData), data is null ? null : JsonNode.Parse(data)), $"{expectedData} != {data}");
        Assert.Equal(expected.Attachments, packet.Attachments);
    }
}
