using System.Runtime.InteropServices;
using System.Text.Json;
using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// Encodes Socket.IO v5 packets straight into Engine.IO message packets, as socket.io-parser's <c>Encoder</c> does.
/// Each result is immutable, so a broadcast encodes once and queues the same packets to every recipient.
/// </summary>
/// <remarks>
/// A packet is one text frame (<c>4</c> and the Socket.IO packet) followed, for BINARY_EVENT and BINARY_ACK, by one
/// binary message per attachment. The JSON is written into a buffer the thread reuses, then copied once into the
/// exact-size frame.
/// Invalid arguments from the calling code (a namespace with a comma, a negative ack id, a value the serializer
/// refuses) throw, as the reference encoder does.
/// </remarks>
public static class SocketPacketEncoder
{
    private static readonly JsonEncodedText SidName = JsonEncodedText.Encode("sid");
    private static readonly JsonEncodedText PidName = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");

    private static readonly EnginePacket MainDisconnect = EncodeDisconnectCore("/");

    /// <summary>
    /// Encodes an EVENT, <c>42["name",…args]</c> (<c>42/admin,13["name"]</c> with a namespace and ack id), as Node's
    /// <c>socket.emit(name, …args)</c> sends it. A top-level argument that is <see cref="T:byte[]"/>,
    /// <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/> or <see cref="ArraySegment{T}"/> of bytes becomes an
    /// attachment and the packet a BINARY_EVENT; a <see cref="JsonElement"/> is copied as its JSON text, so a value
    /// received from a client is relayed unchanged; other arguments are serialized with <paramref name="options"/>.
    /// Attachment arrays are sent as they are, not copied, unless the memory covers part of an array.
    /// </summary>
    public static EnginePacket[] EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EncodeArguments(SocketPacketType.Event, nsp, eventName, args, ackId, options);
    }

    /// <summary>
    /// Encodes the ACK that answers event <paramref name="ackId"/>, <c>43&lt;id&gt;[…args]</c>, or a BINARY_ACK when an
    /// argument is binary (see <see cref="EncodeEvent"/>). Same as calling the ack callback in Node.
    /// </summary>
    public static EnginePacket[] EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options) =>
        EncodeArguments(SocketPacketType.Ack, nsp, eventName: null, args, ackId, options);

    /// <summary>
    /// Encodes the CONNECT that grants a namespace, <c>40{"sid":"…"}</c>, with the private session id <c>pid</c> when
    /// connection state recovery is on.
    /// </summary>
    public static EnginePacket EncodeConnect(string nsp, string sid, string? pid)
    {
        ArgumentNullException.ThrowIfNull(sid);
        CheckNamespace(nsp);
        var frame = SocketFrameWriter.Rent();
        try
        {
            frame.WriteHeader(SocketPacketType.Connect, 0, nsp, ackId: null);
            var json = frame.StartJson(encoder: null);
            json.WriteStartObject();
            json.WriteString(SidName, sid);
            if (pid is not null)
            {
                json.WriteString(PidName, pid);
            }

            json.WriteEndObject();
            return EnginePacket.FromTextFrame(frame.ToFrame());
        }
        finally
        {
            SocketFrameWriter.Return(frame);
        }
    }

    /// <summary>
    /// Encodes the CONNECT_ERROR that refuses a namespace, <c>44{"message":"…","data":…}</c>, with
    /// <paramref name="data"/> only when it is not null (Node's <c>err.data</c> from a middleware).
    /// </summary>
    public static EnginePacket EncodeConnectError(string nsp, string message, object? data, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        CheckNamespace(nsp);
        var frame = SocketFrameWriter.Rent();
        try
        {
            frame.WriteHeader(SocketPacketType.ConnectError, 0, nsp, ackId: null);
            var json = frame.StartJson(options.Encoder);
            json.WriteStartObject();
            json.WriteString(MessageName, message);
            if (data is not null)
            {
                json.WritePropertyName(DataName);
                JsonSerializer.Serialize(json, data, data.GetType(), options);
            }

            json.WriteEndObject();
            return EnginePacket.FromTextFrame(frame.ToFrame());
        }
        finally
        {
            SocketFrameWriter.Return(frame);
        }
    }

    /// <summary>Encodes the DISCONNECT that leaves a namespace, <c>41</c> or <c>41/admin,</c>.</summary>
    public static EnginePacket EncodeDisconnect(string nsp)
    {
        CheckNamespace(nsp);
        return IsMainNamespace(nsp) ? MainDisconnect : EncodeDisconnectCore(nsp);
    }

    /// <summary>
    /// Encodes any packet as it is described: the JSON text of <see cref="SocketPacket.Data"/> copied unchanged, and for a binary type
    /// the attachment count and one binary message per attachment. Used by tests and tools; the server uses the
    /// specific methods.
    /// </summary>
    public static EnginePacket[] Encode(SocketPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        CheckNamespace(packet.Namespace);
        if (packet.AckId is { } id)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(packet));
        }

        var attachments = packet.Attachments;
        var isBinary = packet.Type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck;
        if (!isBinary && attachments.Count > 0)
        {
            throw new ArgumentException($"A {packet.Type} packet cannot carry attachments.", nameof(packet));
        }

        var frame = SocketFrameWriter.Rent();
        try
        {
            frame.WriteHeader(packet.Type, attachments.Count, packet.Namespace, packet.AckId);
            if (packet.Data is { } data)
            {
                WriteRaw(frame.StartJson(encoder: null), data);
            }

            var result = new EnginePacket[1 + attachments.Count];
            result[0] = EnginePacket.FromTextFrame(frame.ToFrame());
            for (var i = 0; i < attachments.Count; i++)
            {
                result[i + 1] = EnginePacket.Binary(attachments[i]);
            }

            return result;
        }
        finally
        {
            SocketFrameWriter.Return(frame);
        }
    }

    /// <summary>True for the main namespace, which the wire format leaves out.</summary>
    internal static bool IsMainNamespace(string nsp) => nsp.Length == 0 || nsp == "/";

    private static EnginePacket[] EncodeArguments(
        SocketPacketType textType, string nsp, string? eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckNamespace(nsp);
        if (ackId is { } id)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(ackId));
        }

        var attachments = 0;
        foreach (var arg in args)
        {
            if (IsBinary(arg))
            {
                attachments++;
            }
        }

        var type = attachments == 0 ? textType
            : textType == SocketPacketType.Event ? SocketPacketType.BinaryEvent : SocketPacketType.BinaryAck;
        var frame = SocketFrameWriter.Rent();
        try
        {
            frame.WriteHeader(type, attachments, nsp, ackId);
            var json = frame.StartJson(options.Encoder);
            json.WriteStartArray();
            if (eventName is not null)
            {
                json.WriteStringValue(eventName);
            }

            var num = 0;
            foreach (var arg in args)
            {
                if (arg is null)
                {
                    json.WriteNullValue();
                }
                else if (IsBinary(arg))
                {
                    AttachmentPlaceholder.Write(json, num++);
                }
                else if (arg is JsonElement { ValueKind: not JsonValueKind.Undefined } element)
                {
                    WriteRaw(json, element);
                }
                else
                {
                    JsonSerializer.Serialize(json, arg, arg.GetType(), options);
                }
            }

            json.WriteEndArray();
            var result = new EnginePacket[1 + attachments];
            result[0] = EnginePacket.FromTextFrame(frame.ToFrame());
            num = 1;
            foreach (var arg in args)
            {
                if (IsBinary(arg))
                {
                    result[num++] = EnginePacket.Binary(ToAttachment(arg!));
                }
            }

            return result;
        }
        finally
        {
            SocketFrameWriter.Return(frame);
        }
    }

    // Copies the element's own JSON text: a value received from a client is relayed byte for byte, including escapes
    // such as a lone surrogate ("\ud800") that JSON.parse accepts but JsonElement.WriteTo refuses to re-encode.
    private static void WriteRaw(Utf8JsonWriter json, JsonElement element) =>
        json.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);

    /// <summary>Whether an argument travels as a binary attachment: bytes as <see cref="T:byte[]"/>, <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/> or <see cref="ArraySegment{T}"/>.</summary>
    internal static bool IsBinary(object? arg) =>
        arg is byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte>;

    private static byte[] ToAttachment(object arg) => arg switch
    {
        byte[] array => array,
        ReadOnlyMemory<byte> memory => ToArray(memory),
        Memory<byte> memory => ToArray(memory),
        ArraySegment<byte> segment => ToArray(segment),
        _ => throw new ArgumentException("Not a binary argument.", nameof(arg)),
    };

    private static byte[] ToArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) ? ToArray(segment) : memory.ToArray();

    private static byte[] ToArray(ArraySegment<byte> segment) =>
        segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length ? array : segment.AsSpan().ToArray();

    private static EnginePacket EncodeDisconnectCore(string nsp)
    {
        var frame = SocketFrameWriter.Rent();
        try
        {
            frame.WriteHeader(SocketPacketType.Disconnect, 0, nsp, ackId: null);
            return EnginePacket.FromTextFrame(frame.ToFrame());
        }
        finally
        {
            SocketFrameWriter.Return(frame);
        }
    }

    // The comma ends the namespace on the wire and has no escape, so the reference encoder throws on it too; a name
    // without the leading '/' would be read back as part of the ack id or JSON.
    private static void CheckNamespace(string nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        if (IsMainNamespace(nsp))
        {
            return;
        }

        if (nsp[0] != '/')
        {
            throw new ArgumentException($"Invalid namespace \"{nsp}\": it must start with '/'.", nameof(nsp));
        }

        if (nsp.Contains(',', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid namespace \"{nsp}\": it must not contain a comma.", nameof(nsp));
        }
    }
}
