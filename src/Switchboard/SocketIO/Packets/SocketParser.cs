using System.Text.Json;
using Switchboard.EngineIO.Packets;
using Switchboard.SocketIO.Packets.MsgPack;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// How Socket.IO packets are written into Engine.IO messages and read back. Client and server must
/// use the same one. Same as the <c>parser</c> option of Node's server and client.
/// </summary>
public abstract class SocketParser
{
    /// <summary>The default parser, socket.io-parser's text format with binary attachments.</summary>
    public static SocketParser Json { get; } = new JsonSocketParser();

    /// <summary>
    /// The parser of npm's socket.io-msgpack-parser: each packet is one binary msgpack message, smaller than JSON for
    /// numbers and binary. Set it on both ends: <see cref="SocketIOOptions.Parser"/> here, and in the client
    /// <c>io(url, { parser: require("socket.io-msgpack-parser") })</c>.
    /// </summary>
    public static SocketParser MsgPack { get; } = new MsgPackSocketParser();

    /// <summary>Encodes an EVENT with its arguments (<paramref name="ackId"/> when the sender awaits an acknowledgement).</summary>
    public abstract EnginePacket[] EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options);

    /// <summary>Encodes the ACK answering event <paramref name="ackId"/>.</summary>
    public abstract EnginePacket[] EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options);

    /// <summary>Encodes the CONNECT that grants a namespace, with the private session id when recovery is on.</summary>
    public abstract EnginePacket EncodeConnect(string nsp, string sid, string? pid);

    /// <summary>Encodes the CONNECT_ERROR that refuses a namespace, with the middleware's <paramref name="data"/> if any.</summary>
    public abstract EnginePacket EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options);

    /// <summary>Encodes the DISCONNECT that leaves a namespace.</summary>
    public abstract EnginePacket EncodeDisconnect(string nsp);

    /// <summary>Creates the decoder of one connection.</summary>
    public abstract ISocketPacketDecoder CreateDecoder(int maxAttachments);

    private sealed class JsonSocketParser : SocketParser
    {
        public override EnginePacket[] EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options) =>
            SocketPacketEncoder.EncodeEvent(nsp, eventName, args, ackId, options);

        public override EnginePacket[] EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options) =>
            SocketPacketEncoder.EncodeAck(nsp, ackId, args, options);

        public override EnginePacket EncodeConnect(string nsp, string sid, string? pid) => SocketPacketEncoder.EncodeConnect(nsp, sid, pid);

        public override EnginePacket EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options) =>
            SocketPacketEncoder.EncodeConnectError(nsp, message, data, options);

        public override EnginePacket EncodeDisconnect(string nsp) => SocketPacketEncoder.EncodeDisconnect(nsp);

        public override ISocketPacketDecoder CreateDecoder(int maxAttachments) => new SocketPacketDecoder(maxAttachments);
    }
}
