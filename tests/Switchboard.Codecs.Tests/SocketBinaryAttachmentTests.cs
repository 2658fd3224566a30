using System.Text.Json;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>How BINARY_EVENT and BINARY_ACK collect their attachments and how placeholders resolve.</summary>
public sealed class SocketBinaryAttachmentTests
{
    [Fact]
    public void Header_alone_awaits_attachments_and_returns_no_packet()
    {
        var decoder = new SocketPacketDecoder();

        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"), out var packet));
        Assert.Null(packet);
        Assert.True(decoder.IsAwaitingAttachments);

        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary([1], out packet));
        Assert.Null(packet);
        Assert.True(decoder.IsAwaitingAttachments);

        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary([2], out packet));
        Assert.NotNull(packet);
        Assert.False(decoder.IsAwaitingAttachments);
    }

    [Fact]
    public void Many_attachments_under_a_raised_limit_are_collected_in_order()
    {
        var decoder = new SocketPacketDecoder(maxAttachments: 100);
        var placeholders = string.Concat(Enumerable.Range(0, 40).Select(i => $",{{\"_placeholder\":true,\"num\":{i}}}"));
        decoder.DecodeText(Wire.Utf8($"540-[\"many\"{placeholders}]"), out _);

        SocketPacket? packet = null;
        for (var i = 0; i < 40; i++)
        {
            Assert.Null(packet);
            Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary([(byte)i], out packet));
        }

        Assert.Equal(40, packet!.Attachments.Count);
        Assert.True(packet.TryGetAttachment(packet.Data!.Value[40], out var last));
        Assert.Equal(new byte[] { 39 }, last);
    }

    [Fact]
    public void Announced_attachment_count_is_not_trusted_for_an_allocation()
    {
        var decoder = new SocketPacketDecoder(maxAttachments: int.MaxValue);

        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8("52147483647-[\"a\"]"), out _));
        Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary([1], out var packet));
        Assert.Null(packet);
        Assert.True(decoder.IsAwaitingAttachments);
    }

    [Fact]
    public void Attachments_are_copied_so_the_receive_buffer_can_be_reused()
    {
        var decoder = new SocketPacketDecoder();
        var buffer = new byte[] { 1, 2, 3 };
        decoder.DecodeText(Wire.Utf8("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"), out _);

        decoder.DecodeBinary(buffer, out _);
        buffer[0] = 9;
        decoder.DecodeBinary(buffer.AsSpan(1), out var packet);
        buffer[1] = 9;

        Assert.Equal([[1, 2, 3], [2, 3]], packet!.Attachments);
    }

    [Fact]
    public void Placeholders_resolve_by_num_not_by_position()
    {
        var packet = Wire.Decode("52-[\"a\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]", [10], [20]);

        Assert.True(packet.TryGetAttachment(packet.Data!.Value[1], out var first));
        Assert.Equal(new byte[] { 20 }, first);
    }

    [Fact]
    public void Placeholders_nested_in_objects_and_arrays_are_checked_and_resolve()
    {
        var packet = Wire.Decode("51-[\"a\",{\"file\":{\"body\":[{\"_placeholder\":true,\"num\":0}]}}]", [5]);

        var placeholder = packet.Data!.Value[1].GetProperty("file").GetProperty("body")[0];
        Assert.True(packet.TryGetAttachment(placeholder, out var bytes));
        Assert.Equal(new byte[] { 5 }, bytes);
    }

    [Fact]
    public void Data_keeps_the_placeholder_json_unchanged()
    {
        var packet = Wire.Decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]", [5]);

        Assert.Equal("[\"a\",{\"_placeholder\":true,\"num\":0}]", packet.Data!.Value.GetRawText());
    }

    [Fact]
    public void Attachment_may_be_empty()
    {
        var packet = Wire.Decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]", [[]]);

        Assert.True(packet.TryGetAttachment(packet.Data!.Value[1], out var bytes));
        Assert.Empty(bytes);
    }

    [Fact]
    public void Unreferenced_and_repeated_attachments_are_accepted_as_by_the_reference()
    {
        var packet = Wire.Decode("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]", [1], [2]);

        Assert.Equal(2, packet.Attachments.Count);
    }

    [Fact]
    public void Binary_packet_without_placeholders_or_data_completes_with_its_attachments()
    {
        var packet = Wire.Decode("61-3", [7]);

        Assert.Equal(SocketPacketType.BinaryAck, packet.Type);
        Assert.Null(packet.Data);
        Assert.Equal(3, packet.AckId);
        Assert.Single(packet.Attachments);
    }

    [Fact]
    public void Escaped_member_names_are_read_as_JSON_parse_reads_them()
    {
        var packet = Wire.Decode("51-[\"a\",{\"\\u005fplaceholder\":true,\"n\\u0075m\":0}]", [4]);

        Assert.True(packet.TryGetAttachment(packet.Data!.Value[1], out var bytes));
        Assert.Equal(new byte[] { 4 }, bytes);
    }

    [Fact]
    public void Integral_num_written_as_a_fraction_or_exponent_is_an_index()
    {
        var packet = Wire.Decode("52-[\"a\",{\"_placeholder\":true,\"num\":0.0},{\"_placeholder\":true,\"num\":1e0}]", [1], [2]);

        Assert.True(packet.TryGetAttachment(packet.Data!.Value[2], out var bytes));
        Assert.Equal(new byte[] { 2 }, bytes);
    }

    [Theory]
    [InlineData("{\"_placeholder\":\"true\",\"num\":5}")]
    [InlineData("{\"_placeholder\":1,\"num\":5}")]
    [InlineData("{\"_placeholder\":false,\"num\":5}")]
    [InlineData("{\"_placeholder\":true,\"num\":5,\"_placeholder\":false}")]
    [InlineData("[{\"_placeholder\":false,\"num\":5}]")]
    public void Object_that_is_not_a_placeholder_is_ordinary_data(string json)
    {
        var packet = Wire.Decode($"51-[\"a\",{json},{{\"_placeholder\":true,\"num\":0}}]", [1]);

        Assert.False(packet.TryGetAttachment(packet.Data!.Value[1], out _));
    }

    [Fact]
    public void Placeholder_is_not_entered_so_what_it_contains_is_not_checked()
    {
        var packet = Wire.Decode("51-[\"a\",{\"_placeholder\":true,\"num\":0,\"x\":{\"_placeholder\":true,\"num\":9}}]", [1]);

        Assert.True(packet.TryGetAttachment(packet.Data!.Value[1], out _));
    }

    [Fact]
    public void Placeholders_in_a_text_event_stay_plain_json_as_in_the_reference()
    {
        var packet = Wire.Decode("2[\"a\",{\"_placeholder\":true,\"num\":0}]");

        Assert.Empty(packet.Attachments);
        Assert.False(packet.TryGetAttachment(packet.Data!.Value[1], out _));
    }

    [Fact]
    public void Try_get_attachment_is_false_for_values_that_are_not_placeholders()
    {
        var packet = Wire.Decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]", [1]);

        Assert.False(packet.TryGetAttachment(packet.Data!.Value[0], out var attachment));
        Assert.Null(attachment);
        Assert.False(packet.TryGetAttachment(default, out _));
    }

    [Fact]
    public void Binary_event_with_namespace_and_ack_id_keeps_both_through_the_attachments()
    {
        var packet = Wire.Decode("51-/chat,42[\"upload\",{\"_placeholder\":true,\"num\":0}]", [1]);

        Assert.Equal("/chat", packet.Namespace);
        Assert.Equal(42, packet.AckId);
        Assert.Equal(JsonValueKind.Array, packet.Data!.Value.ValueKind);
    }

    [Fact]
    public void Decoder_handles_binary_and_text_packets_in_turn()
    {
        var decoder = new SocketPacketDecoder();
        var names = new List<string>();
        foreach (var (text, binary) in new (string, byte[][])[]
        {
            ("2[\"one\"]", []),
            ("51-[\"two\",{\"_placeholder\":true,\"num\":0}]", [[1]]),
            ("2[\"three\"]", []),
            ("62-1[{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]", [[1], [2]]),
        })
        {
            Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeText(Wire.Utf8(text), out var packet));
            foreach (var attachment in binary)
            {
                Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary(attachment, out packet));
            }

            names.Add(packet!.Data!.Value[0].ValueKind == JsonValueKind.String ? packet.Data.Value[0].GetString()! : packet.Type.ToString());
        }

        Assert.Equal(["one", "two", "three", "BinaryAck"], names);
    }
}
