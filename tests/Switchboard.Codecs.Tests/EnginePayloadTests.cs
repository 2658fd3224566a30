using System.Buffers;
using System.Text;
using Switchboard.EngineIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>The HTTP long-polling payload of the Engine.IO v4 spec: records joined by 0x1E, binary as b + base64.</summary>
public sealed class EnginePayloadTests
{
    [Fact]
    public void Spec_payload_with_three_packets_decodes()
    {
        var packets = Decode("4hello\u001e2\u001e4world");

        Assert.Equal(3, packets.Count);
        Assert.Equal("4hello", Wire.Text(packets[0]));
        Assert.Equal(EnginePacketType.Ping, packets[1].Type);
        Assert.Equal("4world", Wire.Text(packets[2]));
    }

    [Fact]
    public void Spec_payload_with_three_packets_encodes()
    {
        var packets = new[]
        {
            EnginePacket.Text(EnginePacketType.Message, "hello"),
            EnginePacket.Ping,
            EnginePacket.Text(EnginePacketType.Message, "world"),
        };

        Assert.Equal("4hello\u001e2\u001e4world", Encode(packets));
    }

    [Fact]
    public void Spec_payload_with_binary_decodes_the_base64_record()
    {
        var packets = Decode("4hello\u001ebAQIDBA==");

        Assert.Equal(2, packets.Count);
        Assert.Equal("4hello", Wire.Text(packets[0]));
        Assert.True(packets[1].IsBinary);
        Assert.Equal(EnginePacketType.Message, packets[1].Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packets[1].Data.ToArray());
    }

    [Fact]
    public void Spec_payload_with_binary_encodes_b_and_base64()
    {
        var packets = new[] { EnginePacket.Text(EnginePacketType.Message, "hello"), EnginePacket.Binary([1, 2, 3, 4]) };

        Assert.Equal("4hello\u001ebAQIDBA==", Encode(packets));
    }

    [Fact]
    public void Sample_session_post_with_two_events_decodes()
    {
        var packets = Decode("42[\"hello\"]\u001e42[\"world\"]");

        Assert.Equal(["42[\"hello\"]", "42[\"world\"]"], [Wire.Text(packets[0]), Wire.Text(packets[1])]);
    }

    [Fact]
    public void Single_packet_payload_has_no_separator()
    {
        Assert.Equal("6", Encode([EnginePacket.Noop]));
        Assert.Equal("6", Wire.Text(Assert.Single(Decode("6"))));
    }

    [Fact]
    public void Empty_binary_message_is_a_lone_b()
    {
        Assert.Equal("b", Encode([EnginePacket.Binary([])]));
        var packet = Assert.Single(Decode("b"));
        Assert.True(packet.IsBinary);
        Assert.Empty(packet.Data.ToArray());
    }

    [Fact]
    public void Multibyte_text_survives_a_payload()
    {
        var packets = new[] { EnginePacket.Text(EnginePacketType.Message, "2:4€"), EnginePacket.Text(EnginePacketType.Message, "日本") };

        var decoded = Decode(Encode(packets));

        Assert.Equal(["42:4€", "4日本"], [Wire.Text(decoded[0]), Wire.Text(decoded[1])]);
    }

    [Fact]
    public void Encoded_length_is_exactly_what_encode_writes()
    {
        var packets = new[]
        {
            EnginePacket.Text(EnginePacketType.Open, "{}"),
            EnginePacket.Binary([1]),
            EnginePacket.Binary([1, 2]),
            EnginePacket.Binary([1, 2, 3]),
            EnginePacket.Ping,
        };
        var output = new ArrayBufferWriter<byte>();

        EnginePayload.Encode(output, packets);

        Assert.Equal(output.WrittenCount, EnginePayload.EncodedLength(packets));
    }

    [Fact]
    public void Encoding_nothing_writes_nothing()
    {
        Assert.Equal("", Encode([]));
        Assert.Equal(0, EnginePayload.EncodedLength([]));
    }

    internal static List<EnginePacket> Decode(string payload)
    {
        var packets = new List<EnginePacket>();
        Assert.Equal(DecodeStatus.Ok, EnginePayload.Decode(Wire.Utf8(payload), packets));
        return packets;
    }

    private static string Encode(EnginePacket[] packets)
    {
        var output = new ArrayBufferWriter<byte>();
        EnginePayload.Encode(output, packets);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
