using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>
/// Every way a peer can send a bad Socket.IO packet, each with its verdict. The strings come from socket.io-parser's
/// own tests where it has them ("throw an error upon parsing error", "too many attachments").
/// </summary>
public sealed class SocketMalformedInputTests
{
    [Fact]
    public void Empty_text_is_refused() => Assert.Equal(SocketDecodeStatus.Empty, DecodeText(""));

    [Theory]
    [InlineData("7")]
    [InlineData("999")]
    [InlineData("abc")]
    [InlineData("[\"ev\"]")]
    [InlineData(" 2[\"ev\"]")]
    [InlineData("/admin,2")]
    public void Unknown_packet_type_is_refused(string text) => Assert.Equal(SocketDecodeStatus.UnknownType, DecodeText(text));

    [Theory]
    [InlineData(new byte[] { (byte)'2', (byte)'[', (byte)'"', 0xFF, (byte)'"', (byte)']' })]
    [InlineData(new byte[] { (byte)'2', (byte)'[', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)']' })]
    [InlineData(new byte[] { (byte)'0', (byte)'/', 0xE2, 0x82, (byte)',' })]
    public void Invalid_utf8_is_refused(byte[] text) =>
        Assert.Equal(SocketDecodeStatus.InvalidUtf8, new SocketPacketDecoder().DecodeText(text, out _));

    [Theory]
    [InlineData("5")]
    [InlineData("51")]
    [InlineData("50-")]
    [InlineData("5a-")]
    [InlineData("51.23-")]
    [InlineData("5-[\"a\"]")]
    [InlineData("6-1[]")]
    [InlineData("61[\"a\"]")]
    public void Malformed_attachment_count_is_refused(string text) =>
        Assert.Equal(SocketDecodeStatus.InvalidAttachments, DecodeText(text));

    [Fact]
    public void More_attachments_than_the_default_of_ten_are_refused()
    {
        Assert.Equal(SocketDecodeStatus.TooManyAttachments, DecodeText("511-[\"a\"]"));
        Assert.Equal(SocketDecodeStatus.Ok, DecodeText("510-[\"a\"]"));
    }

    [Fact]
    public void More_attachments_than_the_configured_limit_are_refused()
    {
        var decoder = new SocketPacketDecoder(maxAttachments: 2);

        var status = decoder.DecodeText(
            Wire.Utf8("53-[\"hello\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2}]"),
            out _);

        Assert.Equal(SocketDecodeStatus.TooManyAttachments, status);
        Assert.False(decoder.IsAwaitingAttachments);
    }

    [Fact]
    public void Attachment_count_too_large_for_any_integer_is_too_many() =>
        Assert.Equal(SocketDecodeStatus.TooManyAttachments, DecodeText("5999999999999999999999999-[\"a\"]"));

    [Fact]
    public void Ack_id_beyond_a_64_bit_integer_is_refused()
    {
        Assert.Equal(SocketDecodeStatus.InvalidAckId, DecodeText("29223372036854775808[\"a\"]"));
        Assert.Equal(SocketDecodeStatus.InvalidAckId, DecodeText("3/admin,99999999999999999999999[]"));
    }

    [Fact]
    public void Largest_64_bit_ack_id_is_accepted()
    {
        Assert.Equal(long.MaxValue, Wire.Decode("29223372036854775807[\"a\"]").AckId);
    }

    [Theory]
    [InlineData("442[\"some\",\"data\"")]
    [InlineData("2/admin,\"invalid")]
    [InlineData("2[\"a\"]x")]
    [InlineData("2[\"a\"][\"b\"]")]
    [InlineData("2 ")]
    [InlineData("2[\"a\",]")]
    [InlineData("2{'a':1}")]
    [InlineData("2[\"a\"/*c*/]")]
    [InlineData("2-[\"a\"]")]
    [InlineData("2undefined")]
    [InlineData("0/admin,,{}")]
    public void Payload_that_is_not_json_is_refused(string text) =>
        Assert.Equal(SocketDecodeStatus.InvalidJson, DecodeText(text));

    [Fact]
    public void Json_nested_deeper_than_64_is_refused() =>
        Assert.Equal(SocketDecodeStatus.InvalidJson, DecodeText("2[\"a\"," + new string('[', 64) + new string(']', 64) + "]"));

    [Theory]
    [InlineData("0/admin,\"invalid\"")]
    [InlineData("0[]")]
    [InlineData("0null")]
    [InlineData("0true")]
    [InlineData("1/admin,{}")]
    [InlineData("1[]")]
    [InlineData("1null")]
    [InlineData("2/admin,{}")]
    [InlineData("2\"ev\"")]
    [InlineData("2[]")]
    [InlineData("2[{\"toString\":\"foo\"}]")]
    [InlineData("2[true,\"foo\"]")]
    [InlineData("2[null,\"bar\"]")]
    [InlineData("2[[\"nested\"]]")]
    [InlineData("3{}")]
    [InlineData("3\"a\"")]
    [InlineData("4[]")]
    [InlineData("4true")]
    [InlineData("4null")]
    [InlineData("51-{\"_placeholder\":true,\"num\":0}")]
    [InlineData("51-[]")]
    [InlineData("61-{}")]
    public void Payload_of_the_wrong_shape_for_its_type_is_refused(string text) =>
        Assert.Equal(SocketDecodeStatus.InvalidPayload, DecodeText(text));

    [Theory]
    [InlineData("connect")]
    [InlineData("connect_error")]
    [InlineData("disconnect")]
    [InlineData("disconnecting")]
    [InlineData("newListener")]
    [InlineData("removeListener")]
    public void Reserved_event_name_is_refused(string name)
    {
        Assert.Equal(SocketDecodeStatus.InvalidPayload, DecodeText($"2[\"{name}\",\"123\"]"));
        Assert.Equal(SocketDecodeStatus.InvalidPayload, DecodeText($"51-[\"{name}\",{{\"_placeholder\":true,\"num\":0}}]"));
        Assert.True(ReservedEventNames.Contains(name));
    }

    [Fact]
    public void Reserved_event_name_is_recognised_through_json_escapes() =>
        Assert.Equal(SocketDecodeStatus.InvalidPayload, DecodeText("2[\"\\u0063onnect\"]"));

    [Fact]
    public void Names_close_to_reserved_ones_are_ordinary_events()
    {
        Assert.Equal(SocketDecodeStatus.Ok, DecodeText("2[\"Connect\"]"));
        Assert.Equal(SocketDecodeStatus.Ok, DecodeText("2[\"connected\"]"));
        Assert.False(ReservedEventNames.Contains("message"));
    }

    [Fact]
    public void Event_name_with_an_escaped_lone_surrogate_is_refused()
    {
        Assert.Equal(SocketDecodeStatus.InvalidPayload, DecodeText("2[\"\\ud800\"]"));
        Assert.Equal(SocketDecodeStatus.Ok, DecodeText("2[\"\\ud83d\\ude00\"]"));
        Assert.Equal(SocketDecodeStatus.Ok, DecodeText("2[\"ev\",\"\\ud800\"]"));
    }

    [Theory]
    [InlineData("2[\"\\udc00xxxxxx\"]", SocketDecodeStatus.InvalidPayload)]
    [InlineData("2[\"\\udc00x\"]", SocketDecodeStatus.InvalidPayload)]
    [InlineData("2[\"ev\",{\"\\udc00xxxxxx\":true}]", SocketDecodeStatus.Ok)]
    [InlineData("0{\"\\udc00\":\"\\udc00\"}", SocketDecodeStatus.Ok)]
    public void Escaped_lone_surrogates_never_make_the_decoder_throw(string text, SocketDecodeStatus expected) =>
        Assert.Equal(expected, DecodeText(text));

    [Fact]
    public void Unreadable_member_names_in_a_binary_packet_are_not_placeholder_names()
    {
        var packet = Wire.Decode("51-[\"ev\",{\"\\udc00xxxxxx\":true,\"num\":7},{\"_placeholder\":true,\"num\":0}]", [1]);

        Assert.False(packet.TryGetAttachment(packet.Data!.Value[1], out _));
        Assert.True(packet.TryGetAttachment(packet.Data!.Value[2], out _));
    }

    [Theory]
    [InlineData("{\"_placeholder\":true,\"num\":1}")]
    [InlineData("{\"_placeholder\":true,\"num\":-1}")]
    [InlineData("{\"_placeholder\":true,\"num\":0.5}")]
    [InlineData("{\"_placeholder\":true,\"num\":\"0\"}")]
    [InlineData("{\"_placeholder\":true,\"num\":null}")]
    [InlineData("{\"_placeholder\":true}")]
    [InlineData("{\"_placeholder\":true,\"num\":1e400}")]
    [InlineData("{\"deep\":[{\"_placeholder\":true,\"num\":7}]}")]
    [InlineData("{\"_placeholder\":true,\"num\":0,\"num\":1}")]
    public void Placeholder_without_a_valid_index_is_refused_when_the_attachments_are_complete(string placeholder)
    {
        var decoder = new SocketPacketDecoder();
        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8($"51-[\"ev\",{placeholder}]"), out var pending));
        Assert.Null(pending);

        Assert.Equal(SocketDecodeStatus.IllegalAttachments, decoder.DecodeBinary([1], out var packet));
        Assert.Null(packet);
        Assert.False(decoder.IsAwaitingAttachments);
    }

    [Fact]
    public void Text_while_attachments_are_awaited_is_refused_and_drops_the_pending_packet()
    {
        var decoder = new SocketPacketDecoder();
        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8("52-[\"a\",{\"_placeholder\":true,\"num\":0}]"), out _));
        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary([1], out _));

        Assert.Equal(SocketDecodeStatus.UnexpectedText, decoder.DecodeText(Wire.Utf8("2[\"b\"]"), out var packet));
        Assert.Null(packet);
        Assert.False(decoder.IsAwaitingAttachments);
    }

    [Fact]
    public void Binary_without_a_binary_packet_is_refused()
    {
        var decoder = new SocketPacketDecoder();

        Assert.Equal(SocketDecodeStatus.UnexpectedBinary, decoder.DecodeBinary([1, 2, 3], out var packet));
        Assert.Null(packet);
    }

    [Fact]
    public void Binary_after_a_completed_binary_packet_is_refused()
    {
        var decoder = new SocketPacketDecoder();
        decoder.DecodeText(Wire.Utf8("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"), out _);
        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary([1], out var packet));
        Assert.NotNull(packet);

        Assert.Equal(SocketDecodeStatus.UnexpectedBinary, decoder.DecodeBinary([2], out _));
    }

    [Fact]
    public void Decoder_is_usable_again_after_any_error()
    {
        var decoder = new SocketPacketDecoder();
        decoder.DecodeText(Wire.Utf8("51-[\"a\",{\"_placeholder\":true,\"num\":3}]"), out _);
        Assert.Equal(SocketDecodeStatus.IllegalAttachments, decoder.DecodeBinary([1], out _));

        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8("2[\"hello\"]"), out var packet));
        Assert.Equal("hello", packet!.Data!.Value[0].GetString());
    }

    [Fact]
    public void Reset_resumes_decoding_as_the_reference_destroy_does()
    {
        var decoder = new SocketPacketDecoder();
        decoder.DecodeText(Wire.Utf8("51-[\"hello\"]"), out _);
        Assert.True(decoder.IsAwaitingAttachments);

        decoder.Reset();

        Assert.False(decoder.IsAwaitingAttachments);
        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8("2[\"hello\"]"), out var packet));
        Assert.NotNull(packet);
    }

    [Fact]
    public void Negative_attachment_limit_is_a_programming_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketPacketDecoder(-1));

    [Fact]
    public void Every_status_has_a_test_in_this_class()
    {
        var covered = new HashSet<SocketDecodeStatus>
        {
            SocketDecodeStatus.Ok, SocketDecodeStatus.Empty, SocketDecodeStatus.UnknownType, SocketDecodeStatus.InvalidUtf8,
            SocketDecodeStatus.InvalidAttachments, SocketDecodeStatus.TooManyAttachments, SocketDecodeStatus.InvalidAckId,
            SocketDecodeStatus.InvalidJson, SocketDecodeStatus.InvalidPayload, SocketDecodeStatus.IllegalAttachments,
            SocketDecodeStatus.UnexpectedText, SocketDecodeStatus.UnexpectedBinary,
        };

        Assert.Equal(Enum.GetValues<SocketDecodeStatus>().Length, covered.Count);
    }

    private static SocketDecodeStatus DecodeText(string text) => new SocketPacketDecoder().DecodeText(Wire.Utf8(text), out _);
}
