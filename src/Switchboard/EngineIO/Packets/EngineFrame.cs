using System.Buffers;
using System.Buffers.Text;
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

    /// <summary>
    /// True when a text packet is a binary message written as <c>b</c> followed by base64, as a
    /// payload record carries one and as a client without binary support sends one over WebSocket.
    /// </summary>
    public static bool IsBase64Binary(ReadOnlySpan<byte> frame) => !frame.IsEmpty && frame[0] == (byte)'b';

    /// <summary>Decodes the base64 after the <c>b</c> of a binary message sent as text.</summary>
    public static DecodeStatus TryDecodeBase64Binary(ReadOnlySpan<byte> frame, out byte[] data)
    {
        var base64 = frame[1..];
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (Base64.DecodeFromUtf8(base64, bytes, out _, out var written) != OperationStatus.Done)
        {
            data = [];
            return DecodeStatus.InvalidBase64;
        }

        data = written == bytes.Length ? bytes : bytes[..written];
        return DecodeStatus.Ok;
    }
}
