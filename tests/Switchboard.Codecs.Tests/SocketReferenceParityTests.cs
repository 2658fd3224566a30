using System.Text.Json;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>
/// Inputs on which socket.io-parser 4.2.x is more lenient than the spec, accepted here the same way so the server
/// treats them as the Node server does.
/// </summary>
public sealed class SocketReferenceParityTests
{
    [Fact]
    public void Event_without_payload_is_accepted_with_no_data()
    {
        var packet = Wire.Decode("2");

        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Ack_without_payload_is_accepted_with_no_data()
    {
        var packet = Wire.Decode("3/admin,7");

        Assert.Equal(SocketPacketType.Ack, packet.Type);
        Assert.Equal(7, packet.AckId);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Any_packet_type_may_carry_an_ack_id()
    {
        Assert.Equal(1, Wire.Decode("01").AckId);
        Assert.Equal(2, Wire.Decode("1/admin,2").AckId);
        Assert.Equal(3, Wire.Decode("43{\"message\":\"x\"}").AckId);
    }

    [Fact]
    public void Namespace_without_a_comma_runs_to_the_end_of_the_text()
    {
        var packet = Wire.Decode("2/admin[\"ev\"]");

        Assert.Equal("/admin[\"ev\"]", packet.Namespace);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Namespace_is_any_text_from_the_slash_to_the_comma()
    {
        Assert.Equal("/", Wire.Decode("2/,[\"ev\"]").Namespace);
        Assert.Equal("/a b/é€", Wire.Decode("2/a b/é€,[\"ev\"]").Namespace);
    }

    [Fact]
    public void Ack_id_with_leading_zeros_is_read_as_a_number()
    {
        Assert.Equal(7, Wire.Decode("2007[\"ev\"]").AckId);
    }

    [Fact]
    public void Whitespace_after_the_json_is_allowed_as_by_JSON_parse()
    {
        var packet = Wire.Decode("2[\"ev\"] \n");

        Assert.Equal("ev", packet.Data!.Value[0].GetString());
    }

    [Fact]
    public void Attachment_count_with_leading_zeros_is_read_as_a_number()
    {
        var packet = Wire.Decode("501-[\"ev\",{\"_placeholder\":true,\"num\":0}]", [1]);

        Assert.Single(packet.Attachments);
    }

    [Fact]
    public void Connect_error_payload_may_be_an_object_without_message()
    {
        Assert.Equal(JsonValueKind.Object, Wire.Decode("4{}").Data!.Value.ValueKind);
    }

    [Fact]
    public void Connect_payload_may_be_an_empty_object()
    {
        Assert.Equal(JsonValueKind.Object, Wire.Decode("0{}").Data!.Value.ValueKind);
    }

    [Fact]
    public void Duplicate_members_are_kept_in_the_data()
    {
        var packet = Wire.Decode("0{\"token\":\"a\",\"token\":\"b\"}");

        Assert.Equal(2, packet.Data!.Value.EnumerateObject().Count());
    }

    [Fact]
    public void Number_event_name_may_be_any_json_number()
    {
        Assert.Equal(SocketPacketType.Event, Wire.Decode("2[-1.5e3]").Type);
    }

    [Fact]
    public void Data_outlives_the_input_buffer()
    {
        var buffer = Wire.Utf8("2[\"ev\",{\"a\":\"b\"}]");
        var decoder = new SocketPacketDecoder();
        decoder.DecodeText(buffer, out var packet);

        Array.Fill(buffer, (byte)'x');

        Assert.Equal("b", packet!.Data!.Value[1].GetProperty("a").GetString());
    }
}
