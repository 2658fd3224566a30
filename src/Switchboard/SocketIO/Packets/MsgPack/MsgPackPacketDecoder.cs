using System.Text;
using System.Text.Json;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// Decodes the packets of one connection that uses socket.io-msgpack-parser: each packet is one binary message, the
/// msgpack map <c>{type, nsp, data, id}</c> (other members, such as the client's <c>options</c>, are ignored). The
/// packet comes out as the JSON decoder gives it, with binary values as placeholders and attachments, so the rest
/// of the server reads both alike; its type is never BINARY_EVENT or BINARY_ACK, which this format does not have.
/// </summary>
/// <remarks>
/// <para>The checks are those of socket.io-msgpack-parser's <c>checkPacket</c> (type an integer 0–4, <c>nsp</c> a
/// string, <c>id</c> an integer if present, <c>data</c> what the type allows), and also, as the JSON decoder and
/// the rest of the server expect, a namespace that starts with <c>/</c>, a non-negative <c>id</c>, and an EVENT
/// whose first element is a string that is not a reserved event name.</para>
/// <para>Verdicts, as <see cref="SocketDecodeStatus"/> names them for the text format: <see cref="SocketDecodeStatus.InvalidJson"/>
/// for msgpack that is malformed, truncated, followed by more bytes or nested deeper than
/// <see cref="MsgPackToJson.MaxDepth"/>; <see cref="SocketDecodeStatus.UnknownType"/> for a packet that is not a map
/// or whose type is not 0–4; <see cref="SocketDecodeStatus.InvalidPayload"/> for a bad namespace or data;
/// <see cref="SocketDecodeStatus.InvalidAckId"/> for a bad id; <see cref="SocketDecodeStatus.TooManyAttachments"/>
/// for more binary values than the server allows one packet; <see cref="SocketDecodeStatus.UnexpectedText"/> for any
/// text message. The decoder keeps no state from one message to the next but its buffer.</para>
/// </remarks>
internal sealed class MsgPackPacketDecoder(int maxAttachments) : ISocketPacketDecoder
{
    private readonly MsgPackToJson _data = new(maxAttachments);

    /// <summary>Refuses the message: socket.io-msgpack-parser sends every packet as binary.</summary>
    public SocketDecodeStatus DecodeText(ReadOnlySpan<byte> utf8, out SocketPacket? packet)
    {
        packet = null;
        return SocketDecodeStatus.UnexpectedText;
    }

    /// <summary>Decodes one packet; never returns Ok with a null packet, as no packet spans several messages.</summary>
    public SocketDecodeStatus DecodeBinary(ReadOnlySpan<byte> data, out SocketPacket? packet)
    {
        packet = null;
        if (data.IsEmpty)
        {
            return SocketDecodeStatus.Empty;
        }

        var reader = new MsgPackReader(data);
        if (!reader.TryRead(out var root))
        {
            return SocketDecodeStatus.InvalidJson;
        }

        if (root.Type != MsgPackType.Map)
        {
            return SocketDecodeStatus.UnknownType;
        }

        var fields = default(Fields);
        for (long i = 0; i < root.Integer; i++)
        {
            if (!reader.TryRead(out var key) || !reader.TryRead(out var value))
            {
                return SocketDecodeStatus.InvalidJson;
            }

            var status = ReadField(ref reader, key, value, ref fields);
            if (status != SocketDecodeStatus.Ok)
            {
                return status;
            }
        }

        if (!reader.IsAtEnd)
        {
            return SocketDecodeStatus.InvalidJson;
        }

        if (fields.Type is not { } type)
        {
            return SocketDecodeStatus.UnknownType;
        }

        if (fields.Namespace is not { } nsp)
        {
            return SocketDecodeStatus.InvalidPayload;
        }

        if (fields.HasInvalidAckId)
        {
            return SocketDecodeStatus.InvalidAckId;
        }

        JsonElement? json = fields.DataType is null ? null : _data.ToElement();
        if (!IsDataValid(type, fields.DataType, json))
        {
            return SocketDecodeStatus.InvalidPayload;
        }

        packet = new SocketPacket
        {
            Type = type,
            Namespace = nsp,
            AckId = fields.AckId,
            Data = json,
            Attachments = json is null ? [] : _data.Attachments,
        };
        return SocketDecodeStatus.Ok;
    }

    // A member read twice counts as read last, as in the object notepack.io builds.
    private SocketDecodeStatus ReadField(ref MsgPackReader reader, in MsgPackToken key, in MsgPackToken value, ref Fields fields)
    {
        var name = key.Type == MsgPackType.String ? key.Bytes : default;
        if (name.SequenceEqual("data"u8) && value.Type != MsgPackType.Undefined)
        {
            fields.DataType = value.Type;
            return _data.Convert(ref reader, value);
        }

        if (name.SequenceEqual("data"u8))
        {
            fields.DataType = null;
        }
        else if (name.SequenceEqual("type"u8))
        {
            fields.Type = value.TryGetInteger(out var type) && type is >= 0 and <= (long)SocketPacketType.ConnectError
                ? (SocketPacketType)type
                : null;
        }
        else if (name.SequenceEqual("nsp"u8))
        {
            fields.Namespace = value.Type == MsgPackType.String && value.Bytes is [(byte)'/', ..] ? GetNamespace(value.Bytes) : null;
        }
        else if (name.SequenceEqual("id"u8))
        {
            fields.AckId = value.TryGetInteger(out var id) && id >= 0 ? id : null;
            fields.HasInvalidAckId = fields.AckId is null && value.Type != MsgPackType.Undefined;
        }

        return reader.TrySkipChildren(value, MsgPackToJson.MaxDepth) ? SocketDecodeStatus.Ok : SocketDecodeStatus.InvalidJson;
    }

    private static bool IsDataValid(SocketPacketType type, MsgPackType? dataType, JsonElement? json) => type switch
    {
        SocketPacketType.Connect => dataType is null or MsgPackType.Map,
        SocketPacketType.Disconnect => dataType is null,
        SocketPacketType.ConnectError => dataType is MsgPackType.String or MsgPackType.Map,
        SocketPacketType.Event => dataType is MsgPackType.Array && IsEventNameValid(json!.Value),
        SocketPacketType.Ack => dataType is MsgPackType.Array or MsgPackType.Extension,
        _ => false,
    };

    // Strings from msgpack are valid UTF-8 by the time they are JSON, so reading one cannot fail.
    private static bool IsEventNameValid(JsonElement data) =>
        data.GetArrayLength() > 0 && data[0].ValueKind == JsonValueKind.String && !ReservedEventNames.Contains(data[0]);

    private static string GetNamespace(ReadOnlySpan<byte> utf8) => utf8.Length == 1 ? "/" : Encoding.UTF8.GetString(utf8);

    // The members of the packet map as read so far; null where absent or invalid.
    private struct Fields
    {
        public SocketPacketType? Type;
        public string? Namespace;
        public long? AckId;
        public bool HasInvalidAckId;
        public MsgPackType? DataType;
    }
}
