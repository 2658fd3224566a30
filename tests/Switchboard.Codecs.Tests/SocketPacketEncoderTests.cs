using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>The exact frames the encoder writes, Engine.IO's 4 included, as the Node server writes them.</summary>
public sealed class SocketPacketEncoderTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Event_with_arguments_in_the_main_namespace()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "hello", [1], null, Options);

        Assert.Equal("42[\"hello\",1]", Wire.Text(Assert.Single(packets)));
        Assert.Equal(EnginePacketType.Message, packets[0].Type);
    }

    [Fact]
    public void Event_from_the_sample_session()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "hey", ["Jude"], null, Options);

        Assert.Equal("42[\"hey\",\"Jude\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Event_with_namespace_and_ack_id()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/admin", "ev", [], 13, Options);

        Assert.Equal("42/admin,13[\"ev\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Event_with_ack_id_zero_keeps_the_zero()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", [], 0, Options);

        Assert.Equal("420[\"ev\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Event_arguments_are_serialized_with_the_given_options()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "user", [new User("Ann", 3), null, true, "x"], null, Options);

        Assert.Equal("42[\"user\",{\"name\":\"Ann\",\"rooms\":3},null,true,\"x\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Event_argument_that_is_a_json_element_is_written_as_is()
    {
        using var document = JsonDocument.Parse("{\"a\":[1,2]}");

        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", [document.RootElement], null, Options);

        Assert.Equal("42[\"ev\",{\"a\":[1,2]}]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Received_json_is_relayed_byte_for_byte_even_with_a_lone_surrogate()
    {
        var received = Wire.Decode("2[\"message\",{\"text\":\"\\ud800 \\u00e9\"}]");

        var packets = SocketPacketEncoder.EncodeEvent("/", "message", [received.Data!.Value[1]], null, Options);

        Assert.Equal("42[\"message\",{\"text\":\"\\ud800 \\u00e9\"}]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void General_encode_copies_the_json_text_of_a_decoded_packet()
    {
        var received = Wire.Decode("3/admin,1[\"\\udc00\", 1.50 ,{ }]");

        Assert.Equal("43/admin,1[\"\\udc00\", 1.50 ,{ }]", Wire.Text(Assert.Single(SocketPacketEncoder.Encode(received))));
    }

    [Fact]
    public void Event_text_is_escaped_only_where_json_requires_as_JSON_stringify_does()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "héllo", ["<b>&'€", "q\"\\\n"], null, Options);

        Assert.Equal("42[\"héllo\",\"<b>&'€\",\"q\\\"\\\\\\n\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Characters_beyond_the_basic_plane_are_escaped_but_read_back_unchanged()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", ["😀"], null, Options);

        Assert.Equal("42[\"ev\",\"\\uD83D\\uDE00\"]", Wire.Text(Assert.Single(packets)));
        Assert.Equal("😀", Wire.Decode(Wire.Text(packets[0])[1..]).Data!.Value[1].GetString());
    }

    [Fact]
    public void Event_honours_an_explicit_encoder_in_the_options()
    {
        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default };

        var packets = SocketPacketEncoder.EncodeEvent("/", "é", ["<"], null, options);

        Assert.Equal("42[\"\\u00E9\",\"\\u003C\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Event_with_a_byte_array_becomes_a_binary_event_with_one_attachment()
    {
        byte[] bytes = [1, 2, 3, 4];

        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", [bytes], null, Options);

        Assert.Equal(2, packets.Length);
        Assert.Equal("451-[\"ev\",{\"_placeholder\":true,\"num\":0}]", Wire.Text(packets[0]));
        Assert.True(packets[1].IsBinary);
        Assert.Equal(bytes, packets[1].Data.ToArray());
    }

    [Fact]
    public void Binary_event_from_the_spec_with_two_attachments_in_a_namespace()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/admin", "baz", [new byte[] { 1, 2 }, new byte[] { 3, 4 }], null, Options);

        Assert.Equal(
            "452-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
            Wire.Text(packets[0]));
        Assert.Equal(new byte[] { 1, 2 }, packets[1].Data.ToArray());
        Assert.Equal(new byte[] { 3, 4 }, packets[2].Data.ToArray());
    }

    [Fact]
    public void Binary_event_mixes_placeholders_and_json_in_argument_order()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", ["a", new byte[] { 1 }, 2, new byte[] { 3 }], 7, Options);

        Assert.Equal(
            "452-7[\"ev\",\"a\",{\"_placeholder\":true,\"num\":0},2,{\"_placeholder\":true,\"num\":1}]",
            Wire.Text(packets[0]));
        Assert.Equal(3, packets.Length);
    }

    [Fact]
    public void Every_binary_argument_type_becomes_an_attachment()
    {
        var array = new byte[] { 0, 1, 2, 3, 4, 5 };
        object?[] args =
        [
            new ReadOnlyMemory<byte>(array),
            new Memory<byte>(array, 1, 2),
            new ArraySegment<byte>(array, 3, 3),
            new ReadOnlyMemory<byte>(array, 0, 1),
        ];

        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", args, null, Options);

        Assert.StartsWith("454-[\"ev\",{\"_placeholder\":true,\"num\":0}", Wire.Text(packets[0]), StringComparison.Ordinal);
        Assert.Equal(array, packets[1].Data.ToArray());
        Assert.Equal(new byte[] { 1, 2 }, packets[2].Data.ToArray());
        Assert.Equal(new byte[] { 3, 4, 5 }, packets[3].Data.ToArray());
        Assert.Equal(new byte[] { 0 }, packets[4].Data.ToArray());
    }

    [Fact]
    public void Whole_arrays_are_sent_without_a_copy_and_slices_are_copied()
    {
        var array = new byte[] { 1, 2, 3 };

        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", [array, new ArraySegment<byte>(array, 1, 1)], null, Options);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packets[1].Data, out var whole));
        Assert.Same(array, whole.Array);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packets[2].Data, out var slice));
        Assert.NotSame(array, slice.Array);
    }

    [Fact]
    public void Nested_byte_arrays_are_left_to_the_serializer()
    {
        var packets = SocketPacketEncoder.EncodeEvent("/", "ev", [new Holder([1, 2, 3])], null, Options);

        Assert.Equal("42[\"ev\",{\"bytes\":\"AQID\"}]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Ack_with_arguments()
    {
        var packets = SocketPacketEncoder.EncodeAck("/", 12, ["bar"], Options);

        Assert.Equal("4312[\"bar\"]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Ack_without_arguments_is_an_empty_array()
    {
        var packets = SocketPacketEncoder.EncodeAck("/admin", 13, [], Options);

        Assert.Equal("43/admin,13[]", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Ack_with_binary_from_the_sample_session_is_a_binary_ack()
    {
        var packets = SocketPacketEncoder.EncodeAck("/admin", 1, [new byte[] { 7 }], Options);

        Assert.Equal("461-/admin,1[{\"_placeholder\":true,\"num\":0}]", Wire.Text(packets[0]));
        Assert.Equal(new byte[] { 7 }, packets[1].Data.ToArray());
    }

    [Fact]
    public void Connect_in_the_main_namespace_carries_the_sid()
    {
        var packet = SocketPacketEncoder.EncodeConnect("/", "wZX3oN0bSVIhsaknAAAI", null);

        Assert.Equal("40{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", Wire.Text(packet));
    }

    [Fact]
    public void Connect_in_a_namespace_carries_sid_and_pid()
    {
        var packet = SocketPacketEncoder.EncodeConnect("/admin", "x", "y");

        Assert.Equal("40/admin,{\"sid\":\"x\",\"pid\":\"y\"}", Wire.Text(packet));
    }

    [Fact]
    public void Connect_error_for_an_unknown_namespace_matches_the_reference_server()
    {
        var packet = SocketPacketEncoder.EncodeConnectError("/random", "Invalid namespace", null, Options);

        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", Wire.Text(packet));
    }

    [Fact]
    public void Connect_error_in_the_main_namespace_has_only_the_message_without_data()
    {
        var packet = SocketPacketEncoder.EncodeConnectError("/", "Not authorized", null, Options);

        Assert.Equal("44{\"message\":\"Not authorized\"}", Wire.Text(packet));
    }

    [Fact]
    public void Connect_error_with_data_serializes_it_with_the_options()
    {
        var packet = SocketPacketEncoder.EncodeConnectError("/", "Not authorized", new User("Ann", 1), Options);

        Assert.Equal("44{\"message\":\"Not authorized\",\"data\":{\"name\":\"Ann\",\"rooms\":1}}", Wire.Text(packet));
    }

    [Fact]
    public void Disconnect_from_the_main_namespace_is_41()
    {
        Assert.Equal("41", Wire.Text(SocketPacketEncoder.EncodeDisconnect("/")));
    }

    [Fact]
    public void Disconnect_from_a_namespace_keeps_the_comma()
    {
        Assert.Equal("41/admin,", Wire.Text(SocketPacketEncoder.EncodeDisconnect("/admin")));
    }

    [Fact]
    public void Empty_namespace_is_the_main_namespace_as_in_the_reference()
    {
        Assert.Equal("42[\"ev\"]", Wire.Text(SocketPacketEncoder.EncodeEvent("", "ev", [], null, Options)[0]));
    }

    [Fact]
    public void Non_ascii_namespace_is_written_in_utf8()
    {
        Assert.Equal("41/café,", Wire.Text(SocketPacketEncoder.EncodeDisconnect("/café")));
    }

    [Fact]
    public void Frame_is_exactly_the_size_of_its_content()
    {
        var packet = SocketPacketEncoder.EncodeEvent("/", "ev", [new string('x', 100_000)], null, Options)[0];

        Assert.Equal(100_000 + "42[\"ev\",\"\"]".Length, packet.Frame.Length);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packet.Frame, out var segment));
        Assert.Equal(segment.Array!.Length, segment.Count);
    }

    [Fact]
    public void Consecutive_encodes_do_not_share_bytes()
    {
        var first = SocketPacketEncoder.EncodeEvent("/", "a", [1], null, Options)[0];
        var second = SocketPacketEncoder.EncodeEvent("/b", "c", [2], 3, Options)[0];

        Assert.Equal("42[\"a\",1]", Wire.Text(first));
        Assert.Equal("42/b,3[\"c\",2]", Wire.Text(second));
    }

    [Fact]
    public void Encode_called_from_a_converter_while_encoding_still_produces_both_frames()
    {
        var options = new JsonSerializerOptions { Converters = { new NestedEncodeConverter() } };

        var outer = SocketPacketEncoder.EncodeEvent("/", "outer", [new Nested()], null, options);

        Assert.Equal("42[\"outer\",\"42[\\\"inner\\\",1]\"]", Wire.Text(outer[0]));
    }

    [Fact]
    public void Failure_in_the_serializer_does_not_corrupt_the_next_encode()
    {
        var cycle = new Cycle();
        cycle.Self = cycle;

        Assert.Throws<JsonException>(() => SocketPacketEncoder.EncodeEvent("/", "ev", [1, cycle], null, Options));
        Assert.Equal("42[\"ok\"]", Wire.Text(SocketPacketEncoder.EncodeEvent("/", "ok", [], null, Options)[0]));
    }

    [Theory]
    [InlineData("/a,b")]
    [InlineData("admin")]
    public void Invalid_namespace_throws_as_the_reference_encoder_does(string nsp)
    {
        Assert.Throws<ArgumentException>(() => SocketPacketEncoder.EncodeEvent(nsp, "ev", [], null, Options));
        Assert.Throws<ArgumentException>(() => SocketPacketEncoder.EncodeDisconnect(nsp));
        Assert.Throws<ArgumentException>(() => SocketPacketEncoder.EncodeConnect(nsp, "sid", null));
    }

    [Fact]
    public void Negative_ack_id_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketPacketEncoder.EncodeEvent("/", "ev", [], -1, Options));
        Assert.Throws<ArgumentOutOfRangeException>(() => SocketPacketEncoder.EncodeAck("/", -1, [], Options));
    }

    [Fact]
    public void General_encode_writes_data_as_is_and_appends_attachments()
    {
        using var document = JsonDocument.Parse("[\"x\",{\"_placeholder\":true,\"num\":0}]");
        var packet = new SocketPacket
        {
            Type = SocketPacketType.BinaryAck,
            Namespace = "/n",
            AckId = 5,
            Data = document.RootElement,
            Attachments = [[9, 9]],
        };

        var packets = SocketPacketEncoder.Encode(packet);

        Assert.Equal("461-/n,5[\"x\",{\"_placeholder\":true,\"num\":0}]", Wire.Text(packets[0]));
        Assert.Equal(new byte[] { 9, 9 }, packets[1].Data.ToArray());
    }

    [Fact]
    public void General_encode_refuses_attachments_on_a_text_packet()
    {
        var packet = new SocketPacket { Type = SocketPacketType.Event, Attachments = [[1]] };

        Assert.Throws<ArgumentException>(() => SocketPacketEncoder.Encode(packet));
    }

    private sealed record User(string Name, int Rooms);

    private sealed record Holder(byte[] Bytes);

    private sealed class Cycle
    {
        public Cycle? Self { get; set; }
    }

    private sealed class Nested;

    private sealed class NestedEncodeConverter : JsonConverter<Nested>
    {
        public override Nested Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Nested value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Wire.Text(SocketPacketEncoder.EncodeEvent("/", "inner", [1], null, Options)[0]));
    }
}
