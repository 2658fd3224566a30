using System.Text;
using CsCheck;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>
/// Every way a peer can send a bad packet to <see cref="SocketParser.MsgPack"/>, each with its verdict: what
/// socket.io-msgpack-parser's <c>checkPacket</c> refuses ("invalid packet type", "invalid namespace", "invalid
/// payload", "invalid packet id"), what notepack.io cannot decode, and what the server refuses beyond them.
/// Packets are written as hex, built from the helpers at the end.
/// </summary>
public sealed class MsgPackMalformedInputTests
{
    private static readonly string Main = Str("/");

    private static readonly byte[] ValidEvent = Packet(("type", "02"), ("nsp", Main), ("data", Arr(Str("ev"), "c4020102", Map((Str("a"), "01")))), ("id", "05"));

    [Fact]
    public void The_valid_packet_the_other_tests_spoil_is_accepted() => Assert.Equal(SocketDecodeStatus.Ok, Status(ValidEvent));

    [Fact]
    public void An_empty_message_is_refused() => Assert.Equal(SocketDecodeStatus.Empty, Status([]));

    [Fact]
    public void A_text_message_is_refused_as_this_format_has_none() =>
        Assert.Equal(SocketDecodeStatus.UnexpectedText, SocketParser.MsgPack.CreateDecoder(10).DecodeText("2[\"ev\"]"u8, out _));

    [Fact]
    public void Every_truncation_of_a_packet_is_refused()
    {
        for (var length = 1; length < ValidEvent.Length; length++)
        {
            Assert.Equal(SocketDecodeStatus.InvalidJson, Status(ValidEvent[..length]));
        }
    }

    [Fact]
    public void Bytes_after_the_packet_are_refused_as_notepack_refuses_trailing_bytes() =>
        Assert.Equal(SocketDecodeStatus.InvalidJson, Status([.. ValidEvent, 0xc0]));

    [Theory]
    [InlineData("c1")]
    [InlineData("81a474797065c1")]
    public void The_unused_format_byte_is_refused(string hex) => Assert.Equal(SocketDecodeStatus.InvalidJson, Status(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("dbffffffff41")]
    [InlineData("c6ffffffff00")]
    [InlineData("c9ffffffff0000")]
    [InlineData("ddffffffff")]
    [InlineData("dfffffffff")]
    [InlineData("de0010")]
    public void A_length_beyond_the_message_is_refused_before_anything_is_read(string value) =>
        Assert.Equal(SocketDecodeStatus.InvalidJson, Status(Packet(("type", "02"), ("nsp", Main), ("data", Arr(Str("ev"), value)))));

    [Theory]
    [InlineData("92a47479706502")]
    [InlineData("a3616263")]
    [InlineData("02")]
    [InlineData("c0")]
    public void A_packet_that_is_not_a_map_has_no_type(string hex) => Assert.Equal(SocketDecodeStatus.UnknownType, Status(Convert.FromHexString(hex)));

    [Theory]
    [InlineData(null)]
    [InlineData("05")]
    [InlineData("06")]
    [InlineData("07")]
    [InlineData("ff")]
    [InlineData("c0")]
    [InlineData("a132")]
    [InlineData("cb4004000000000000")]
    [InlineData("cfffffffffffffffff")]
    [InlineData("9102")]
    public void A_type_that_is_not_an_integer_from_0_to_4_is_refused(string? type) =>
        Assert.Equal(SocketDecodeStatus.UnknownType, Status(Event(type: type)));

    [Theory]
    [InlineData(null)]
    [InlineData("c0")]
    [InlineData("01")]
    [InlineData("a0")]
    [InlineData("a561646d696e")]
    [InlineData("c4012f")]
    [InlineData("91a12f")]
    public void A_namespace_that_is_not_a_string_starting_with_a_slash_is_refused(string? nsp) =>
        Assert.Equal(SocketDecodeStatus.InvalidPayload, Status(Event(nsp: nsp)));

    [Theory]
    [InlineData("ff")]
    [InlineData("c0")]
    [InlineData("a131")]
    [InlineData("cb3ff8000000000000")]
    [InlineData("cfffffffffffffffff")]
    [InlineData("80")]
    public void An_ack_id_that_is_not_a_non_negative_integer_is_refused(string id) =>
        Assert.Equal(SocketDecodeStatus.InvalidAckId, Status(Event(id: id)));

    [Fact]
    public void The_largest_64_bit_ack_id_is_accepted()
    {
        var decoder = SocketParser.MsgPack.CreateDecoder(10);

        decoder.DecodeBinary(Event(id: "cf7fffffffffffffff"), out var packet);

        Assert.Equal(long.MaxValue, packet!.AckId);
    }

    [Theory]
    [InlineData("00", "c0")]
    [InlineData("00", "90")]
    [InlineData("00", "a0")]
    [InlineData("00", "c400")]
    [InlineData("01", "c0")]
    [InlineData("01", "80")]
    [InlineData("02", null)]
    [InlineData("02", "80")]
    [InlineData("02", "90")]
    [InlineData("02", "9101")]
    [InlineData("02", "91c0")]
    [InlineData("02", "91d40000")]
    [InlineData("02", "91a7636f6e6e656374")]
    [InlineData("02", "91aa646973636f6e6e656374")]
    [InlineData("02", "91ad636f6e6e6563745f6572726f72")]
    [InlineData("02", "d40161")]
    [InlineData("03", null)]
    [InlineData("03", "80")]
    [InlineData("03", "a0")]
    [InlineData("04", null)]
    [InlineData("04", "90")]
    [InlineData("04", "01")]
    public void Data_that_the_packet_type_does_not_allow_is_refused(string type, string? data) =>
        Assert.Equal(SocketDecodeStatus.InvalidPayload, Status(Packet(("type", type), ("nsp", Main), ("data", data))));

    [Theory]
    [InlineData("00", null)]
    [InlineData("00", "d40000")]
    [InlineData("00", "80")]
    [InlineData("01", null)]
    [InlineData("03", "90")]
    [InlineData("03", "d40161")]
    [InlineData("04", "a0")]
    [InlineData("04", "80")]
    public void Data_that_socket_io_msgpack_parser_allows_is_accepted(string type, string? data) =>
        Assert.Equal(SocketDecodeStatus.Ok, Status(Packet(("type", type), ("nsp", Main), ("data", data))));

    [Fact]
    public void Nesting_is_accepted_to_the_depth_of_the_json_decoder_and_refused_beyond()
    {
        // The data array is the first level, so 63 more make 64.
        Assert.Equal(SocketDecodeStatus.Ok, Status(Event(data: Arr(Str("ev"), Nested(63, "01")))));
        Assert.Equal(SocketDecodeStatus.InvalidJson, Status(Event(data: Arr(Str("ev"), Nested(64, "01")))));

        // A binary value becomes a placeholder object, one more level.
        Assert.Equal(SocketDecodeStatus.Ok, Status(Event(data: Arr(Str("ev"), Nested(62, "c400")))));
        Assert.Equal(SocketDecodeStatus.InvalidJson, Status(Event(data: Arr(Str("ev"), Nested(63, "c400")))));
    }

    [Fact]
    public void Nesting_in_an_ignored_member_is_bounded_too()
    {
        Assert.Equal(SocketDecodeStatus.Ok, Status(Packet(("type", "02"), ("nsp", Main), ("data", Arr(Str("ev"))), ("options", Nested(64, "01")))));
        Assert.Equal(SocketDecodeStatus.InvalidJson, Status(Packet(("type", "02"), ("nsp", Main), ("data", Arr(Str("ev"))), ("options", Nested(65, "01")))));
    }

    [Fact]
    public void A_million_nested_arrays_are_refused_without_overflowing_the_stack() =>
        Assert.Equal(SocketDecodeStatus.InvalidJson, Status(Event(data: Arr(Str("ev"), Nested(1_000_000, "01")))));

    [Fact]
    public void More_binary_values_than_the_limit_are_refused()
    {
        var eleven = Arr([Str("ev"), .. Enumerable.Repeat("c400", 11)]);
        Assert.Equal(SocketDecodeStatus.TooManyAttachments, Status(Event(data: eleven)));
        Assert.Equal(SocketDecodeStatus.Ok, Status(Event(data: Arr([Str("ev"), .. Enumerable.Repeat("c400", 10)]))));

        var three = Event(data: Arr(Str("ev"), "c400", Map((Str("b"), "c70100aa")), Arr("d401bb")));
        Assert.Equal(SocketDecodeStatus.TooManyAttachments, SocketParser.MsgPack.CreateDecoder(2).DecodeBinary(three, out _));
    }

    [Theory]
    [InlineData("c0")]
    [InlineData("c3")]
    [InlineData("cb3ff8000000000000")]
    [InlineData("c40161")]
    [InlineData("9101")]
    [InlineData("80")]
    public void A_map_key_that_is_neither_a_string_nor_an_integer_is_refused(string key) =>
        Assert.Equal(SocketDecodeStatus.InvalidPayload, Status(Event(data: Arr(Str("ev"), Map((key, "01"))))));

    [Fact]
    public void A_map_that_would_pass_for_an_attachment_placeholder_is_refused()
    {
        var placeholder = Map((Str("_placeholder"), "c3"), (Str("num"), "00"));

        Assert.Equal(SocketDecodeStatus.IllegalAttachments, Status(Event(data: Arr(Str("ev"), "c400", placeholder))));
        Assert.Equal(SocketDecodeStatus.Ok, Status(Event(data: Arr(Str("ev"), Map((Str("_placeholder"), "c2"), (Str("num"), "00"))))));
    }

    [Fact]
    public void Random_bytes_never_throw_and_give_consistent_packets()
    {
        Gen.Byte.Array[0, 64].Sample(bytes => AssertConsistent(bytes), iter: 20_000);
    }

    [Fact]
    public void Valid_packets_with_random_bytes_changed_never_throw_and_give_consistent_packets()
    {
        Gen.Select(Gen.Int[0, ValidEvent.Length - 1].Array[1, 4], Gen.Byte.Array[4]).Sample((positions, values) =>
        {
            var bytes = ValidEvent.ToArray();
            for (var i = 0; i < positions.Length; i++)
            {
                bytes[positions[i]] = values[i];
            }

            AssertConsistent(bytes);
        }, iter: 20_000);
    }

    private static void AssertConsistent(byte[] bytes)
    {
        var status = SocketParser.MsgPack.CreateDecoder(2).DecodeBinary(bytes, out var packet);

        Assert.True(Enum.IsDefined(status));
        Assert.Equal(status == SocketDecodeStatus.Ok, packet is not null);
        if (packet is null)
        {
            return;
        }

        Assert.StartsWith("/", packet.Namespace, StringComparison.Ordinal);
        Assert.True(packet.AckId is null or >= 0);
        Assert.InRange((int)packet.Type, 0, 4);
        Assert.True(packet.Attachments.Count <= 2);
        if (packet.Data is { } data)
        {
            // Every placeholder resolves, as the server's event binding takes for granted.
            Assert.Equal(packet.Attachments.Count, CountPlaceholders(packet, data));
        }
    }

    private static int CountPlaceholders(SocketPacket packet, System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().Sum(e => CountPlaceholders(packet, e)),
        System.Text.Json.JsonValueKind.Object when packet.TryGetAttachment(element, out _) => 1,
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().Sum(p => CountPlaceholders(packet, p.Value)),
        _ => 0,
    };

    private static SocketDecodeStatus Status(byte[] message) => SocketParser.MsgPack.CreateDecoder(10).DecodeBinary(message, out _);

    // An EVENT with one member replaced; null leaves the member out.
    private static byte[] Event(string? type = "02", string? nsp = "a12f", string? data = "91a26576", string? id = null) =>
        Packet(("type", type), ("nsp", nsp), ("data", data), ("id", id));

    // A packet map of the members whose value (hex) is not null.
    private static byte[] Packet(params (string Name, string? Value)[] members)
    {
        var present = members.Where(m => m.Value is not null).Select(m => (Str(m.Name), m.Value!)).ToArray();
        return Convert.FromHexString(Map(present));
    }

    private static string Map(params (string Key, string Value)[] members) =>
        (0x80 | members.Length).ToString("x2") + string.Concat(members.Select(m => m.Key + m.Value));

    private static string Arr(params string[] items) =>
        (items.Length < 16 ? (0x90 | items.Length).ToString("x2") : "dc" + items.Length.ToString("x4")) + string.Concat(items);

    private static string Str(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return (0xa0 | utf8.Length).ToString("x2") + Convert.ToHexString(utf8);
    }

    private static string Nested(int depth, string inner) => string.Concat(Enumerable.Repeat("91", depth)) + inner;
}
