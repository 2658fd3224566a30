namespace Switchboard.SocketIO.Packets;

/// <summary>
/// Turns the Engine.IO messages of one connection back into Socket.IO packets. Stateful (a packet
/// may span several messages) and used from the connection's receive loop only.
/// </summary>
/// <remarks>No method throws on bad input: each returns a verdict, and the server closes the connection on any but Ok.</remarks>
public interface ISocketPacketDecoder
{
    /// <summary>Decodes one text message; Ok with a null packet when more messages are needed to complete it.</summary>
    SocketDecodeStatus DecodeText(ReadOnlySpan<byte> utf8, out SocketPacket? packet);

    /// <summary>Decodes one binary message; Ok with a null packet when more messages are needed to complete it.</summary>
    SocketDecodeStatus DecodeBinary(ReadOnlySpan<byte> data, out SocketPacket? packet);
}
