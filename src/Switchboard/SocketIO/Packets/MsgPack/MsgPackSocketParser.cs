using System.Text.Json;
using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// The parser compatible with npm's socket.io-msgpack-parser (3.x): every packet is one msgpack map in one binary
/// Engine.IO message, with binary values inline. Smaller than JSON for numbers and binary, and the only choice
/// for clients configured with <c>parser: require("socket.io-msgpack-parser")</c>. See
/// <see cref="MsgPackPacketEncoder"/> and <see cref="MsgPackPacketDecoder"/>.
/// </summary>
internal sealed class MsgPackSocketParser : SocketParser
{
    public override EnginePacket[] EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options) =>
        MsgPackPacketEncoder.EncodeEvent(nsp, eventName, args, ackId, options);

    public override EnginePacket[] EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options) =>
        MsgPackPacketEncoder.EncodeAck(nsp, ackId, args, options);

    public override EnginePacket EncodeConnect(string nsp, string sid, string? pid) => MsgPackPacketEncoder.EncodeConnect(nsp, sid, pid);

    public override EnginePacket EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options) =>
        MsgPackPacketEncoder.EncodeConnectError(nsp, message, data, options);

    public override EnginePacket EncodeDisconnect(string nsp) => MsgPackPacketEncoder.EncodeDisconnect(nsp);

    public override ISocketPacketDecoder CreateDecoder(int maxAttachments) => new MsgPackPacketDecoder(maxAttachments);
}
