using System.Buffers;
using CsCheck;
using Switchboard.EngineIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>Properties of the Engine.IO codec over generated packets and random bytes.</summary>
public sealed class EngineCodecPropertyTests
{
    // Any UTF-16 text but the record separator, which the spec assumes never appears in data.
    private static readonly Gen<string> TextData = Gen.String[Gen.Char.Where(c => c != '\u001e'), 0, 40];

    private static readonly Gen<EnginePacket> TextPacket =
        Gen.Select(Gen.Int[0, 6], TextData, (type, data) => EnginePacket.Text((EnginePacketType)type, data));

    private static readonly Gen<EnginePacket> BinaryPacket = Gen.Byte.Array[0, 40].Select(EnginePacket.Binary);

    private static readonly Gen<EnginePacket[]> Packets = Gen.OneOf(TextPacket, BinaryPacket).Array[1, 8];

    // Bytes from the payload's own alphabet reach far deeper than uniform noise.
    private static readonly Gen<byte[]> PayloadLikeBytes =
        Gen.OneOf(Gen.Const((byte)0x1e), Gen.Byte[(byte)'0', (byte)'7'], Gen.Byte.Select(b => (byte)"bAQID=+/ \n"[b % 10]), Gen.Byte).Array[0, 60];

    [Fact]
    public void Payload_encode_then_decode_round_trips_any_packet_list()
    {
        Packets.Sample(packets =>
        {
            var output = new ArrayBufferWriter<byte>();
            EnginePayload.Encode(output, packets);
            Assert.Equal(output.WrittenCount, EnginePayload.EncodedLength(packets));

            var decoded = new List<EnginePacket>();
            Assert.Equal(DecodeStatus.Ok, EnginePayload.Decode(output.WrittenSpan, decoded));
            Assert.Equal(packets.Length, decoded.Count);
            for (var i = 0; i < packets.Length; i++)
            {
                Assert.Equal(packets[i].Type, decoded[i].Type);
                Assert.Equal(packets[i].IsBinary, decoded[i].IsBinary);
                Assert.Equal(packets[i].Frame.ToArray(), decoded[i].Frame.ToArray());
            }
        }, iter: 2000);
    }

    [Fact]
    public void Text_frame_of_any_text_packet_decodes_to_its_type()
    {
        TextPacket.Sample(packet =>
        {
            Assert.Equal(DecodeStatus.Ok, EngineFrame.TryDecodeText(packet.Frame.Span, out var type));
            Assert.Equal(packet.Type, type);
        }, iter: 2000);
    }

    [Fact]
    public void Payload_decode_never_throws_on_random_bytes()
    {
        Gen.OneOf(Gen.Byte.Array[0, 100], PayloadLikeBytes).Sample(bytes =>
        {
            var packets = new List<EnginePacket>();
            var status = EnginePayload.Decode(bytes, packets);
            Assert.True(Enum.IsDefined(status));
            if (status == DecodeStatus.Ok)
            {
                Assert.NotEmpty(packets);
            }
        }, iter: 5000);
    }

    [Fact]
    public void Frame_decode_never_throws_on_random_bytes()
    {
        Gen.OneOf(Gen.Byte.Array[0, 100], PayloadLikeBytes).Sample(bytes =>
        {
            var status = EngineFrame.TryDecodeText(bytes, out _);
            Assert.True(Enum.IsDefined(status));
        }, iter: 5000);
    }
}
