using System.Text.Json;
using System.Runtime.InteropServices;
using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// Encodes Socket.IO packets as socket.io-msgpack-parser does: the whole packet object, <c>{type, data, nsp}</c> with
/// <c>id</c> when it has one, as one msgpack map in one binary Engine.IO message. Binary arguments are msgpack
/// <c>bin</c> values inside it, so there are no BINARY_* types and no attachment messages.
/// </summary>
/// <remarks>
/// The members come in the order the Node server creates them, so a packet is the same bytes as the Node server
/// sends, except that an absent <c>pid</c> or CONNECT_ERROR <c>data</c> is left out where Node writes
/// <c>undefined</c>. Invalid arguments from the calling code (a namespace without its <c>/</c>, a negative ack id, a
/// value the serializer refuses) throw.
/// </remarks>
internal static class MsgPackPacketEncoder
{
    private static readonly EnginePacket MainDisconnect = EncodeDisconnectCore("/");

    /// <summary>
    /// Encodes an EVENT, <c>{type: 2, data: [name, ...args], id, nsp}</c>. An argument that is <see cref="T:byte[]"/>,
    /// <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/> or <see cref="ArraySegment{T}"/> of bytes is written
    /// as <c>bin</c> (a Buffer in Node, an ArrayBuffer in the browser); a <see cref="JsonElement"/> as the value it
    /// holds; anything else as System.Text.Json serializes it with <paramref name="options"/>.
    /// </summary>
    public static EnginePacket[] EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(options);
        CheckNamespace(nsp);
        CheckAckId(ackId);
        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(ackId is null ? 3 : 4);
            WriteType(writer, SocketPacketType.Event);
            writer.WriteString("data"u8);
            writer.WriteArrayHeader(1 + args.Length);
            writer.WriteString(eventName);
            WriteArguments(writer, args, options);
            if (ackId is { } id)
            {
                WriteAckId(writer, id);
            }

            WriteNamespace(writer, nsp);
            return [EnginePacket.Binary(writer.ToArray())];
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    /// <summary>Encodes the ACK answering event <paramref name="ackId"/>, <c>{id, type: 3, data: [...args], nsp}</c>; arguments as in <see cref="EncodeEvent"/>.</summary>
    public static EnginePacket[] EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckNamespace(nsp);
        CheckAckId(ackId);
        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(4);
            WriteAckId(writer, ackId);
            WriteType(writer, SocketPacketType.Ack);
            writer.WriteString("data"u8);
            writer.WriteArrayHeader(args.Length);
            WriteArguments(writer, args, options);
            WriteNamespace(writer, nsp);
            return [EnginePacket.Binary(writer.ToArray())];
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    /// <summary>Encodes the CONNECT that grants a namespace, <c>{type: 0, data: {sid, pid}, nsp}</c>, without <c>pid</c> when it is null.</summary>
    public static EnginePacket EncodeConnect(string nsp, string sid, string? pid)
    {
        ArgumentNullException.ThrowIfNull(sid);
        CheckNamespace(nsp);
        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(3);
            WriteType(writer, SocketPacketType.Connect);
            writer.WriteString("data"u8);
            writer.WriteMapHeader(pid is null ? 1 : 2);
            writer.WriteString("sid"u8);
            writer.WriteString(sid);
            if (pid is not null)
            {
                writer.WriteString("pid"u8);
                writer.WriteString(pid);
            }

            WriteNamespace(writer, nsp);
            return EnginePacket.Binary(writer.ToArray());
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    /// <summary>
    /// Encodes the CONNECT_ERROR that refuses a namespace, <c>{type: 4, data: {message, data}, nsp}</c>, without the
    /// inner <c>data</c> when <paramref name="data"/> is null.
    /// </summary>
    public static EnginePacket EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        CheckNamespace(nsp);
        var writer = MsgPackWriter.Rent();
        try
        {
            writer.WriteMapHeader(3);
            WriteType(writer, SocketPacketType.ConnectError);
            writer.WriteString("data"u8);
            writer.WriteMapHeader(data is null ? 1 : 2);
            writer.WriteString("message"u8);
            writer.WriteString(message);
            if (data is not null)
            {
                writer.WriteString("data"u8);
                WriteArgument(writer, data, options);
            }

            WriteNamespace(writer, nsp);
            return EnginePacket.Binary(writer.ToArray());
        }
        finally
        {
            MsgPackWriter.Return(writer);
        }
    }

    /// <summary>Encodes the DISCONNECT that leaves a namespace, <c>{type: 1, nsp}</c>.</summary>
    public static EnginePacket EncodeDisconnect(string nsp)
    {
        CheckNamespace(nsp);
        return SocketPacketEncoder.IsMainNamespace(nsp) ? MainDisconnect : EncodeDisconnectCore(nsp);
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

    private static void WriteArguments(MsgPackWriter writer, ReadOnlySpan<object?> args, JsonSerializerOptions options)
    {
        foreach (var arg in args)
        {
            WriteArgument(writer, arg, options);
        }
    }

    private static void WriteArgument(MsgPackWriter writer, object? arg, JsonSerializerOptions options)
    {
        switch (arg)
        {
            case null:
                writer.WriteNil();
                break;
            case byte[] array:
                writer.WriteBinary(array);
                break;
            case ReadOnlyMemory<byte> memory:
                writer.WriteBinary(memory.Span);
                break;
            case Memory<byte> memory:
                writer.WriteBinary(memory.Span);
                break;
            case ArraySegment<byte> segment:
                writer.WriteBinary(segment);
                break;
            case JsonElement { ValueKind: not JsonValueKind.Undefined } element:
                writer.WriteJson(JsonMarshal.GetRawUtf8Value(element));
                break;
            default:
                writer.WriteSerialized(arg, options);
                break;
        }
    }

    private static void WriteType(MsgPackWriter writer, SocketPacketType type)
    {
        writer.WriteString("type"u8);
        writer.WriteInteger((long)type);
    }

    private static void WriteAckId(MsgPackWriter writer, long id)
    {
        writer.WriteString("id"u8);
        writer.WriteInteger(id);
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

    private static void CheckAckId(long? ackId)
    {
        if (ackId is { } id)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(ackId));
        }
    }
}
