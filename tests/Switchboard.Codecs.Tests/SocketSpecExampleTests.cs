using System.Text.Json;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>Every packet of the Socket.IO v5 spec (docs/socket.io-protocol/v5-current.md), decoded and encoded back.</summary>
public sealed class SocketSpecExampleTests
{
    public static TheoryData<string, string[]> Examples => new()
    {
        // Packet encoding: connection to a namespace
        { "0", [] },
        { "0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", [] },
        { "4{\"message\":\"Not authorized\"}", [] },
        // Exchange protocol: connection with auth, main-namespace grant
        { "0/admin,{\"token\":\"123\"}", [] },
        { "0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", [] },
        { "0/admin,{\"sid\":\"iLnRaVGHY4B75TeVAAAB\"}", [] },
        // Sending and receiving data
        { "2[\"foo\"]", [] },
        { "2/admin,[\"bar\"]", [] },
        { "51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", ["01020304"] },
        { "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", ["0102", "0304"] },
        // Acknowledgement
        { "212[\"foo\"]", [] },
        { "312[]", [] },
        { "2/admin,13[\"foo\"]", [] },
        { "3/admin,13[\"bar\"]", [] },
        { "51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", ["01020304"] },
        { "314[\"bar\"]", [] },
        { "215[\"foo\"]", [] },
        { "61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", ["01020304"] },
        // Disconnection from a namespace
        { "1", [] },
        { "1/admin,", [] },
        // Sample session
        { "2[\"hey\",\"Jude\"]", [] },
        { "2[\"hello\"]", [] },
        { "2[\"world\"]", [] },
        { "0/admin,", [] },
        { "0/admin,{\"sid\":\"-G5j-67EZFp-q59rADQM\"}", [] },
        { "2/admin,1[\"tellme\"]", [] },
        { "61-/admin,1[{\"_placeholder\":true,\"num\":0}]", ["00"] },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Spec_example_decodes_and_encodes_back_unchanged(string text, string[] attachments)
    {
        var bytes = Array.ConvertAll(attachments, Wire.Hex);
        var packet = Wire.Decode(text, bytes);

        var encoded = SocketPacketEncoder.Encode(packet);

        Assert.Equal("4" + text, Wire.Text(encoded[0]));
        Assert.Equal(bytes.Length, encoded.Length - 1);
        for (var i = 0; i < bytes.Length; i++)
        {
            Assert.True(encoded[i + 1].IsBinary);
            Assert.Equal(bytes[i], encoded[i + 1].Data.ToArray());
        }
    }

    [Fact]
    public void Connect_to_the_main_namespace_has_no_namespace_and_no_data()
    {
        var packet = Wire.Decode("0");

        Assert.Equal(SocketPacketType.Connect, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Null(packet.AckId);
        Assert.Null(packet.Data);
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Connect_to_a_custom_namespace_with_auth_carries_the_object()
    {
        var packet = Wire.Decode("0/admin,{\"token\":\"123\"}");

        Assert.Equal(SocketPacketType.Connect, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("123", packet.Data!.Value.GetProperty("token").GetString());
    }

    [Fact]
    public void Connect_to_a_namespace_without_trailing_comma_reads_the_namespace_to_the_end()
    {
        var packet = Wire.Decode("0/random");

        Assert.Equal("/random", packet.Namespace);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Connect_error_carries_the_message_object()
    {
        var packet = Wire.Decode("4{\"message\":\"Not authorized\"}");

        Assert.Equal(SocketPacketType.ConnectError, packet.Type);
        Assert.Equal("Not authorized", packet.Data!.Value.GetProperty("message").GetString());
    }

    [Fact]
    public void Connect_error_may_be_a_plain_string_from_older_peers()
    {
        var packet = Wire.Decode("4\"Unauthorized\"");

        Assert.Equal(JsonValueKind.String, packet.Data!.Value.ValueKind);
    }

    [Fact]
    public void Event_in_the_main_namespace_decodes()
    {
        var packet = Wire.Decode("2[\"foo\"]");

        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Null(packet.AckId);
        Assert.Equal("foo", packet.Data!.Value[0].GetString());
    }

    [Fact]
    public void Event_with_namespace_and_ack_id_decodes()
    {
        var packet = Wire.Decode("2/admin,13[\"foo\"]");

        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(13, packet.AckId);
        Assert.Equal("[\"foo\"]", packet.Data!.Value.GetRawText());
    }

    [Fact]
    public void Event_with_ack_id_in_the_main_namespace_decodes()
    {
        var packet = Wire.Decode("212[\"foo\"]");

        Assert.Equal(12, packet.AckId);
        Assert.Equal("/", packet.Namespace);
    }

    [Fact]
    public void Event_named_by_a_number_is_accepted_as_by_the_reference()
    {
        var packet = Wire.Decode("2[1,\"a\",{}]");

        Assert.Equal(JsonValueKind.Number, packet.Data!.Value[0].ValueKind);
    }

    [Fact]
    public void Event_with_several_arguments_of_every_json_kind_decodes()
    {
        var packet = Wire.Decode("2[\"message\",1,\"2\",{\"3\":[true]},null,false,1.5]");

        Assert.Equal(7, packet.Data!.Value.GetArrayLength());
    }

    [Fact]
    public void Ack_with_empty_array_decodes()
    {
        var packet = Wire.Decode("312[]");

        Assert.Equal(SocketPacketType.Ack, packet.Type);
        Assert.Equal(12, packet.AckId);
        Assert.Equal(0, packet.Data!.Value.GetArrayLength());
    }

    [Fact]
    public void Ack_in_a_custom_namespace_decodes()
    {
        var packet = Wire.Decode("3/admin,13[\"bar\"]");

        Assert.Equal(SocketPacketType.Ack, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(13, packet.AckId);
    }

    [Fact]
    public void Binary_event_collects_its_attachment()
    {
        var packet = Wire.Decode("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", [1, 2, 3, 4]);

        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Assert.Single(packet.Attachments));
        Assert.True(packet.TryGetAttachment(packet.Data!.Value[1], out var bytes));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, bytes);
    }

    [Fact]
    public void Binary_event_with_two_attachments_in_a_namespace_resolves_each_placeholder()
    {
        var packet = Wire.Decode(
            "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", [1, 2], [3, 4]);

        Assert.Equal("/admin", packet.Namespace);
        Assert.True(packet.TryGetAttachment(packet.Data!.Value[1], out var first));
        Assert.True(packet.TryGetAttachment(packet.Data!.Value[2], out var second));
        Assert.Equal(new byte[] { 1, 2 }, first);
        Assert.Equal(new byte[] { 3, 4 }, second);
    }

    [Fact]
    public void Binary_event_with_ack_id_decodes()
    {
        var packet = Wire.Decode("51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", [1, 2, 3, 4]);

        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
        Assert.Equal(14, packet.AckId);
    }

    [Fact]
    public void Binary_ack_with_ack_id_decodes()
    {
        var packet = Wire.Decode("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", [1, 2, 3, 4]);

        Assert.Equal(SocketPacketType.BinaryAck, packet.Type);
        Assert.Equal(15, packet.AckId);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Assert.Single(packet.Attachments));
    }

    [Fact]
    public void Binary_ack_in_a_namespace_from_the_sample_session_decodes()
    {
        var packet = Wire.Decode("61-/admin,1[{\"_placeholder\":true,\"num\":0}]", [9]);

        Assert.Equal(SocketPacketType.BinaryAck, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(1, packet.AckId);
    }

    [Fact]
    public void Disconnect_from_the_main_namespace_decodes()
    {
        var packet = Wire.Decode("1");

        Assert.Equal(SocketPacketType.Disconnect, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Disconnect_from_a_custom_namespace_decodes()
    {
        var packet = Wire.Decode("1/admin,");

        Assert.Equal(SocketPacketType.Disconnect, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
    }

    [Fact]
    public void Binary_event_from_the_protocol_test_suite_decodes()
    {
        var packet = Wire.Decode("52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", [1, 2, 3], [4, 5, 6]);

        Assert.Equal([[1, 2, 3], [4, 5, 6]], packet.Attachments);
    }
}
