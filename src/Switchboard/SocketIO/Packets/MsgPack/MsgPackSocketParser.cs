using System.Text.Json;
using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// The parser compatible with npm's socket.io-msgpack-parser (3.x), for clients configured with
/// <c>parser: require("socket.io-msgpack-parser")</c>. It encodes the whole packet object, <c>{type, data, nsp}</c>
/// with <c>id</c> when it has one, as one msgpack map in one binary Engine.IO message; binary arguments are msgpack
/// <c>bin</c> values inside it, so there are no BINARY_* types and no attachment messages. Decoding is
/// <see cref="MsgPackPacketDecoder"/>.
/// </summary>
/// <remarks>
/// The members come in the order the Node server creates them, so a packet is the same bytes as the Node server
/// sends, except that an absent <c>pid</c> or CONNECT_ERROR <c>data</c> is left out where Node writes
/// <c>undefined</c>. Invalid arguments from the calling code (a namespace without its <c>/</c>, a negative ack id, a
/// value the serializer refuses) throw.
/// </remarks>
internal sealed class MsgPackSocketParser : SocketParser
{
    private static readonly EnginePacket MainDisconnect = EncodeDisconnectCore("/");

    /// <summary>
    /// Encodes an EVENT, <c>{type: 2, data: [name, ...args], id, nsp}</c>. An argument that is <see cref="T:byte[]"/>,
    /// <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/> or <see cref="ArraySegment{T}"/> of bytes is written
    /// as <c>bin</c> (a Buffer in Node, an ArrayBuffer in the browser); a string as <c>str</c>; a
    /// <see cref="JsonElement"/> as the value it holds; anything else as System.Text.Json serializes it with
    /// <paramref name="options"/>.
    /// </summary>
    public override EnginePacket[] EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EncodeArguments(SocketPacketType.Event, nsp, eventName, args, ackId, options);
    }

    /// <summary>Encodes the ACK answering event <paramref name="ackId"/>, <c>{id, type: 3, data: [...args], nsp}</c>; arguments as in <see cref="EncodeEvent"/>.</summary>
    public override EnginePacket[] EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options) =>
        EncodeArguments(SocketPacketType.Ack, nsp, eventName: null, args, ackId, options);

    /// <summary>Encodes the CONNECT that grants a namespace, <c>{type: 0, data: {sid, pid}, nsp}</c>, without <c>pid</c> when it is null.</summary>
    public override EnginePacket EncodeConnect(string nsp, string sid, string? pid)
    {
        ArgumentNullException.ThrowIfNull(sid);
        return EncodeObjectData(SocketPacketType.Connect, nsp, "sid"u8, sid, "pid"u8, pid, JsonSerializerOptions.Default);
    }

    /// <summary>
    /// Encodes the CONNECT_ERROR that refuses a namespace, <c>{type: 4, data: {message, data}, nsp}</c>, without the
    /// inner <c>data</c> when <paramref name="data"/> is null.
    /// </summary>
    public override EnginePacket EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        return EncodeObjectData(SocketPacketType.ConnectError, nsp, "message"u8, message, "data"u8, data, options);
    }

    /// <summary>Encodes the DISCONNECT that leaves a namespace, <c>{type: 1, nsp}</c>.</summary>
    public override EnginePacket EncodeDisconnect(string nsp)
    {
        CheckNamespace(nsp);
        return SocketPacketEncoder.IsMainNamespace(nsp) ? MainDisconnect : EncodeDisconnectCore(nsp);
    }

    /// <inheritdoc/>
    public override ISocketPacketDecoder CreateDecoder(int maxAttachments) => new MsgPackPacketDecoder(maxAttachments);

    // An EVENT (the name first in data, then the id) or an ACK (the id first), as the Node server orders them.
    private static EnginePacket[] EncodeArguments(
        SocketPacketType type, string nsp, string? eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckNamespace(nsp);
        if (ackId is { } checkedId)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(checkedId, nameof(ackId));
        }

        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(ackId is null ? 3 : 4);
            if (type == SocketPacketType.Ack)
            {
                WriteAckId(writer, ackId);
            }

            WriteType(writer, type);
            writer.WriteString("data"u8);
            writer.WriteArrayHeader(args.Length + (eventName is null ? 0 : 1));
            if (eventName is not null)
            {
                writer.WriteString(eventName);
            }

            foreach (var arg in args)
            {
                writer.WriteArgument(arg, options);
            }

            if (type == SocketPacketType.Event)
            {
                WriteAckId(writer, ackId);
            }

            WriteNamespace(writer, nsp);
            return [EnginePacket.Binary(writer.ToArray())];
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    // {type, data: {name: value, optionalName: optionalValue}, nsp}, without the optional member when it is null.
    private static EnginePacket EncodeObjectData(
        SocketPacketType type, string nsp, ReadOnlySpan<byte> name, string value, ReadOnlySpan<byte> optionalName, object? optionalValue, JsonSerializerOptions options)
    {
        CheckNamespace(nsp);
        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(3);
            WriteType(writer, type);
            writer.WriteString("data"u8);
            writer.WriteMapHeader(optionalValue is null ? 1 : 2);
            writer.WriteString(name);
            writer.WriteString(value);
            if (optionalValue is not null)
            {
                writer.WriteString(optionalName);
                writer.WriteArgument(optionalValue, options);
            }

            WriteNamespace(writer, nsp);
            return EnginePacket.Binary(writer.ToArray());
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    private static EnginePacket EncodeDisconnectCore(string nsp)
    {
        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(2);
            WriteType(writer, SocketPacketType.Disconnect);
            WriteNamespace(writer, nsp);
            return EnginePacket.Binary(writer.ToArray());
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    private static void WriteType(MsgPackWriter writer, SocketPacketType type)
    {
        writer.WriteString("type"u8);
        writer.WriteInteger((long)type);
    }

    private static void WriteAckId(MsgPackWriter writer, long? ackId)
    {
        if (ackId is { } id)
        {
            writer.WriteString("id"u8);
            writer.WriteInteger(id);
        }
    }

    private static void WriteNamespace(MsgPackWriter writer, string nsp)
    {
        writer.WriteString("nsp"u8);
        if (SocketPacketEncoder.IsMainNamespace(nsp))
        {
            writer.WriteString("/"u8);
        }
        else
        {
            writer.WriteString(nsp);
        }
    }

    // The decoder on the other side needs the '/' to tell a namespace; any other character may follow it here.
    private static void CheckNamespace(string nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        if (!SocketPacketEncoder.IsMainNamespace(nsp) && nsp[0] != '/')
        {
            throw new ArgumentException($"Invalid namespace \"{nsp}\": it must start with '/'.", nameof(nsp));
        }
    }
}
