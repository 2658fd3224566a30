using System.Text.Unicode;

namespace Switchboard.EngineIO.Packets;

/// <summary>Decodes one Engine.IO packet as it arrives in a WebSocket text frame or a payload record.</summary>
public static class EngineFrame
{
    /// <summary>
    /// Reads the type digit of a text packet; its data is <c>frame[1..]</c>.
    /// A binary WebSocket frame needs no decoding: it is always a message.
    /// </summary>
    public static DecodeStatus TryDecodeText(ReadOnlySpan<byte> frame, out EnginePacketType type)
    {
        type = default;
        if (frame.IsEmpty)
        {
            return DecodeStatus.Empty;
        }

        var digit = frame[0] - '0';
        if ((uint)digit > (uint)EnginePacketType.Noop)
        {
            return DecodeStatus.UnknownType;
        }

        if (!Utf8.IsValid(frame))
        {
            return DecodeStatus.InvalidUtf8;
        }

        type = (EnginePacketType)digit;
        return DecodeStatus.Ok;
    }
}
