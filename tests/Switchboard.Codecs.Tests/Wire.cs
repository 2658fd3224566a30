using System.Text;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>Conversions between the strings the specs print and the bytes the codecs take.</summary>
internal static class Wire
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(EnginePacket packet)
    {
        Assert.False(packet.IsBinary, $"expected a text packet, got {packet}");
        return Encoding.UTF8.GetString(packet.Frame.Span);
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    /// <summary>Decodes a Socket.IO packet as printed in the spec (without Engine.IO's 4) and its attachments.</summary>
    public static SocketPacket Decode(string text, params byte[][] attachments)
    {
        var decoder = new SocketPacketDecoder();
        var status = decoder.DecodeText(Utf8(text), out var packet);
        Assert.Equal(SocketDecodeStatus.Ok, status);
        foreach (var attachment in attachments)
        {
            Assert.Null(packet);
            Assert.Equal(SocketDecodeStatus.Ok, decoder.DecodeBinary(attachment, out packet));
        }

        Assert.NotNull(packet);
        Assert.False(decoder.IsAwaitingAttachments);
        return packet;
    }

    /// <summary>Decodes what the encoder produced: the text frame without its Engine.IO 4, then each binary message.</summary>
    public static SocketDecodeStatus Decode(SocketPacketDecoder decoder, EnginePacket[] packets, out SocketPacket? packet)
    {
        var frame = packets[0].Frame.Span;
        Assert.Equal((byte)'4', frame[0]);
        var status = decoder.DecodeText(frame[1..], out packet);
        for (var i = 1; i < packets.Length && status == SocketDecodeStatus.Ok; i++)
        {
            Assert.True(packets[i].IsBinary);
            status = decoder.DecodeBinary(packets[i].Data.Span, out packet);
        }

        return status;
    }
}
