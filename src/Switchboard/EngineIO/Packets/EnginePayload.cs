using System.Buffers;
using System.Buffers.Text;

namespace Switchboard.EngineIO.Packets;

/// <summary>
/// The HTTP long-polling payload of Engine.IO v4: packets joined by the record separator
/// <c>0x1E</c>, binary messages written as <c>b</c> followed by base64.
/// </summary>
public static class EnginePayload
{
    /// <summary>The record separator between packets.</summary>
    public const byte Separator = 0x1E;

    private const byte BinaryMarker = (byte)'b';

    /// <summary>
    /// Decodes a payload into <paramref name="packets"/>. Packets before a malformed record are
    /// kept, as the reference server delivers them before it closes the session.
    /// </summary>
    public static DecodeStatus Decode(ReadOnlySpan<byte> payload, List<EnginePacket> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (payload.IsEmpty)
        {
            return DecodeStatus.Empty;
        }

        while (true)
        {
            var end = payload.IndexOf(Separator);
            var record = end < 0 ? payload : payload[..end];
            var status = DecodeRecord(record, out var packet);
            if (status != DecodeStatus.Ok)
            {
                return status;
            }

            packets.Add(packet!);
            if (end < 0)
            {
                return DecodeStatus.Ok;
            }

            payload = payload[(end + 1)..];
        }
    }

    /// <summary>Writes <paramref name="packets"/> as one payload.</summary>
    public static void Encode(IBufferWriter<byte> output, IReadOnlyList<EnginePacket> packets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(packets);
        for (var i = 0; i < packets.Count; i++)
        {
            if (i > 0)
            {
                output.GetSpan(1)[0] = Separator;
                output.Advance(1);
            }

            var packet = packets[i];
            if (packet.IsBinary)
            {
                var data = packet.Frame.Span;
                var span = output.GetSpan(1 + Base64.GetMaxEncodedToUtf8Length(data.Length));
                span[0] = BinaryMarker;
                Base64.EncodeToUtf8(data, span[1..], out _, out var written);
                output.Advance(1 + written);
            }
            else
            {
                output.Write(packet.Frame.Span);
            }
        }
    }

    /// <summary>The number of bytes <see cref="Encode"/> writes for <paramref name="packets"/>.</summary>
    public static int EncodedLength(IReadOnlyList<EnginePacket> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        var length = Math.Max(0, packets.Count - 1);
        for (var i = 0; i < packets.Count; i++)
        {
            var packet = packets[i];
            length += packet.IsBinary ? 1 + Base64.GetMaxEncodedToUtf8Length(packet.Frame.Length) : packet.Frame.Length;
        }

        return length;
    }

    private static DecodeStatus DecodeRecord(ReadOnlySpan<byte> record, out EnginePacket? packet)
    {
        packet = null;
        if (record.IsEmpty)
        {
            return DecodeStatus.Empty;
        }

        if (EngineFrame.IsBase64Binary(record))
        {
            var binary = EngineFrame.TryDecodeBase64Binary(record, out var bytes);
            if (binary == DecodeStatus.Ok)
            {
                packet = EnginePacket.Binary(bytes);
            }

            return binary;
        }

        var status = EngineFrame.TryDecodeText(record, out _);
        if (status == DecodeStatus.Ok)
        {
            packet = EnginePacket.FromTextFrame(record.ToArray());
        }

        return status;
    }
}
