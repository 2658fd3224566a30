using Switchboard.EngineIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>Hostile polling payloads get a verdict, never an exception; packets before the bad record are kept.</summary>
public sealed class EnginePayloadMalformedTests
{
    [Fact]
    public void Empty_payload_is_refused() => Assert.Equal(DecodeStatus.Empty, Decode([], out _));

    [Fact]
    public void Unknown_packet_type_is_refused()
    {
        Assert.Equal(DecodeStatus.UnknownType, Decode(Wire.Utf8("7"), out var packets));
        Assert.Empty(packets);
    }

    [Fact]
    public void Empty_record_between_separators_is_refused_after_the_packets_before_it()
    {
        Assert.Equal(DecodeStatus.Empty, Decode(Wire.Utf8("4a\u001e\u001e4b"), out var packets));
        Assert.Equal("4a", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Trailing_separator_is_an_empty_record()
    {
        Assert.Equal(DecodeStatus.Empty, Decode(Wire.Utf8("4a\u001e"), out var packets));
        Assert.Single(packets);
    }

    [Fact]
    public void Leading_separator_is_an_empty_record() =>
        Assert.Equal(DecodeStatus.Empty, Decode(Wire.Utf8("\u001e4a"), out _));

    [Theory]
    [InlineData("b!!!!")]
    [InlineData("bAQIDBA=")]
    [InlineData("bAQ")]
    [InlineData("bAQIDBA==AQ==")]
    [InlineData("4ok\u001eb@@@@")]
    public void Bad_base64_is_refused(string payload) =>
        Assert.Equal(DecodeStatus.InvalidBase64, Decode(Wire.Utf8(payload), out _));

    [Fact]
    public void Invalid_utf8_in_a_text_record_is_refused()
    {
        byte[] payload = [(byte)'4', (byte)'o', (byte)'k', EnginePayload.Separator, (byte)'4', 0xC0, 0xAF];

        Assert.Equal(DecodeStatus.InvalidUtf8, Decode(payload, out var packets));
        Assert.Equal("4ok", Wire.Text(Assert.Single(packets)));
    }

    [Fact]
    public void Truncated_multibyte_character_is_refused() =>
        Assert.Equal(DecodeStatus.InvalidUtf8, Decode([(byte)'4', 0xE2, 0x82], out _));

    private static DecodeStatus Decode(byte[] payload, out List<EnginePacket> packets)
    {
        packets = [];
        return EnginePayload.Decode(payload, packets);
    }
}
