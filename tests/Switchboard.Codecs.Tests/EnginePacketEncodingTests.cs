using System.Text.Json;
using Switchboard.EngineIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>The packet examples of the Engine.IO v4 spec (docs/engine.io-protocol/v4-current.md), one WebSocket frame each.</summary>
public sealed class EnginePacketEncodingTests
{
    [Theory]
    [InlineData("0", EnginePacketType.Open)]
    [InlineData("1", EnginePacketType.Close)]
    [InlineData("2", EnginePacketType.Ping)]
    [InlineData("3", EnginePacketType.Pong)]
    [InlineData("4", EnginePacketType.Message)]
    [InlineData("5", EnginePacketType.Upgrade)]
    [InlineData("6", EnginePacketType.Noop)]
    public void Each_packet_type_is_its_digit(string frame, EnginePacketType type)
    {
        Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText(Wire.Utf8(frame), out var decoded));
        Assert.Equal(type, decoded);
        Assert.Equal(frame, Wire.Text(EnginePacket.Text(type, "")));
    }

    [Fact]
    public void Handshake_open_packet_carries_the_json_of_the_spec()
    {
        const string json = """{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}""";
        var packet = EnginePacket.Text(EnginePacketType.Open, json);

        Assert.Equal("0" + json, Wire.Text(packet));
        Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText(packet.Frame.Span, out var type));
        Assert.Equal(EnginePacketType.Open, type);
        using var handshake = JsonDocument.Parse(packet.Data);
        Assert.Equal("lv_VI97HAXpY6yYWAAAC", handshake.RootElement.GetProperty("sid").GetString());
    }

    [Fact]
    public void Heartbeat_is_ping_2_and_pong_3()
    {
        Assert.Equal("2", Wire.Text(EnginePacket.Ping));
        Assert.Equal("3", Wire.Text(EnginePacket.Pong));
    }

    [Fact]
    public void Upgrade_is_2probe_3probe_then_5()
    {
        Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText("2probe"u8, out var probe));
        Assert.Equal(EnginePacketType.Ping, probe);
        Assert.Equal("3probe", Wire.Text(EnginePacket.PongProbe));
        Assert.Equal("probe", System.Text.Encoding.UTF8.GetString(EnginePacket.PongProbe.Data.Span));
        Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText("5"u8, out var upgrade));
        Assert.Equal(EnginePacketType.Upgrade, upgrade);
    }

    [Fact]
    public void Noop_and_close_are_single_digits()
    {
        Assert.Equal("6", Wire.Text(EnginePacket.Noop));
        Assert.Equal("1", Wire.Text(EnginePacket.Close));
    }

    [Fact]
    public void WebSocket_message_4hello_is_a_message_with_utf8_data()
    {
        Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText("4hello"u8, out var type));
        Assert.Equal(EnginePacketType.Message, type);

        var packet = EnginePacket.Text(EnginePacketType.Message, "hello"u8);
        Assert.Equal("4hello", Wire.Text(packet));
        Assert.Equal("hello"u8.ToArray(), packet.Data.ToArray());
        Assert.False(packet.IsBinary);
    }

    [Fact]
    public void Binary_message_is_sent_as_is_over_WebSocket()
    {
        var packet = EnginePacket.Binary([1, 2, 3, 4]);

        Assert.True(packet.IsBinary);
        Assert.Equal(EnginePacketType.Message, packet.Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packet.Frame.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packet.Data.ToArray());
    }

    [Fact]
    public void Multibyte_text_is_counted_in_bytes_not_characters()
    {
        var packet = EnginePacket.Text(EnginePacketType.Message, "€");

        Assert.Equal(new byte[] { (byte)'4', 0xE2, 0x82, 0xAC }, packet.Frame.ToArray());
        Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText(packet.Frame.Span, out _));
    }

    [Theory]
    [InlineData(new byte[0], DecodeStatus.Empty)]
    [InlineData(new byte[] { (byte)'7' }, DecodeStatus.UnknownType)]
    [InlineData(new byte[] { (byte)'b', (byte)'A' }, DecodeStatus.UnknownType)]
    [InlineData(new byte[] { (byte)'/' }, DecodeStatus.UnknownType)]
    [InlineData(new byte[] { (byte)'4', 0xC3, 0x28 }, DecodeStatus.InvalidUtf8)]
    [InlineData(new byte[] { (byte)'4', 0xFF }, DecodeStatus.InvalidUtf8)]
    [InlineData(new byte[] { (byte)'4', 0xED, 0xA0, 0x80 }, DecodeStatus.InvalidUtf8)]
    public void Malformed_text_frame_is_refused(byte[] frame, DecodeStatus expected) =>
        Assert.Equal(expected, EngineFrame.TryDecodeText(frame, out _));
}
