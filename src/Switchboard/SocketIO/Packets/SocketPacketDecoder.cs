using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// Decodes the Socket.IO v5 packets of one connection, as socket.io-parser's <c>Decoder</c> does: text packets
/// (the data of Engine.IO messages, without the <c>4</c>) through <see cref="DecodeText"/>, and the binary
/// attachments that follow a BINARY_EVENT or BINARY_ACK through <see cref="DecodeBinary"/>. Stateful and not
/// thread-safe: use one instance per connection, from its receive loop.
/// </summary>
/// <remarks>
/// Hostile input is normal input: no method throws on bad data, each returns a <see cref="SocketDecodeStatus"/>.
/// After any status other than <see cref="SocketDecodeStatus.Ok"/> the decoder is back to its initial state
/// (the reference server closes the connection at that point).
/// </remarks>
public sealed class SocketPacketDecoder : ISocketPacketDecoder
{
    /// <summary>The reference's default for the most attachments one packet may announce (socket.io-parser <c>maxAttachments</c>).</summary>
    public const int DefaultMaxAttachments = 10;

    // System.Text.Json's default; JSON.parse has no such limit, but deeper data is refused by the serializer anyway.
    private const int MaxJsonDepth = 64;

    private const int NamespaceCacheSize = 4;

    // A count announced by the peer is not trusted for an allocation: the array grows as attachments really arrive.
    private const int InitialAttachmentCapacity = 16;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxJsonDepth };

    private readonly byte[]?[] _namespaceUtf8 = new byte[NamespaceCacheSize][];
    private readonly string?[] _namespaces = new string[NamespaceCacheSize];
    private int _nextNamespaceSlot;

    private SocketPacketType _pendingType;
    private string _pendingNamespace = "/";
    private long? _pendingAckId;
    private JsonElement? _pendingData;
    private byte[][]? _pendingAttachments;
    private int _expectedAttachments;
    private int _receivedAttachments;

    /// <summary>Creates a decoder that accepts at most <paramref name="maxAttachments"/> attachments per packet.</summary>
    public SocketPacketDecoder(int maxAttachments = DefaultMaxAttachments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxAttachments);
        MaxAttachments = maxAttachments;
    }

    /// <summary>The most attachments one binary packet may announce; more is <see cref="SocketDecodeStatus.TooManyAttachments"/>.</summary>
    public int MaxAttachments { get; }

    /// <summary>True between the text part of a binary packet and its last attachment.</summary>
    public bool IsAwaitingAttachments => _pendingAttachments is not null;

    /// <summary>
    /// Decodes one text packet, <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][&lt;JSON&gt;]</c>.
    /// Returns <see cref="SocketDecodeStatus.Ok"/> with the packet, or <see cref="SocketDecodeStatus.Ok"/> with a
    /// null packet when a BINARY_EVENT or BINARY_ACK now awaits its attachments.
    /// </summary>
    public SocketDecodeStatus DecodeText(ReadOnlySpan<byte> utf8, out SocketPacket? packet)
    {
        packet = null;
        if (_pendingAttachments is not null)
        {
            Reset();
            return SocketDecodeStatus.UnexpectedText;
        }

        if (utf8.IsEmpty)
        {
            return SocketDecodeStatus.Empty;
        }

        var digit = utf8[0] - '0';
        if ((uint)digit > (uint)SocketPacketType.BinaryAck)
        {
            return SocketDecodeStatus.UnknownType;
        }

        if (!Utf8.IsValid(utf8))
        {
            return SocketDecodeStatus.InvalidUtf8;
        }

        var type = (SocketPacketType)digit;
        var position = 1;
        var attachments = 0;
        if (type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck)
        {
            var status = ReadAttachmentCount(utf8, ref position, out attachments);
            if (status != SocketDecodeStatus.Ok)
            {
                return status;
            }
        }

        var nsp = "/";
        if (position < utf8.Length && utf8[position] == '/')
        {
            var rest = utf8[position..];
            var comma = rest.IndexOf((byte)',');
            nsp = GetNamespace(comma < 0 ? rest : rest[..comma]);
            position += comma < 0 ? rest.Length : comma + 1;
        }

        long? ackId = null;
        if (position < utf8.Length && char.IsAsciiDigit((char)utf8[position]))
        {
            if (!TryReadAckId(utf8, ref position, out var id))
            {
                return SocketDecodeStatus.InvalidAckId;
            }

            ackId = id;
        }

        JsonElement? data = null;
        if (position < utf8.Length)
        {
            if (!TryParseJson(utf8[position..], out var payload))
            {
                return SocketDecodeStatus.InvalidJson;
            }

            if (!IsPayloadValid(type, payload))
            {
                return SocketDecodeStatus.InvalidPayload;
            }

            data = payload;
        }

        if (attachments == 0)
        {
            packet = new SocketPacket { Type = type, Namespace = nsp, AckId = ackId, Data = data };
            return SocketDecodeStatus.Ok;
        }

        _pendingType = type;
        _pendingNamespace = nsp;
        _pendingAckId = ackId;
        _pendingData = data;
        _pendingAttachments = new byte[Math.Min(attachments, InitialAttachmentCapacity)][];
        _expectedAttachments = attachments;
        _receivedAttachments = 0;
        return SocketDecodeStatus.Ok;
    }

    /// <summary>
    /// Takes one binary attachment of the packet announced by the last <see cref="DecodeText"/>. The bytes are
    /// copied, so the caller may reuse its buffer. Returns <see cref="SocketDecodeStatus.Ok"/> with a null packet
    /// while more attachments are awaited, and with the completed packet after the last one, once its placeholders
    /// are checked.
    /// </summary>
    public SocketDecodeStatus DecodeBinary(ReadOnlySpan<byte> data, out SocketPacket? packet)
    {
        packet = null;
        var attachments = _pendingAttachments;
        if (attachments is null)
        {
            return SocketDecodeStatus.UnexpectedBinary;
        }

        if (_receivedAttachments == attachments.Length)
        {
            Array.Resize(ref attachments, Math.Min(attachments.Length * 2, _expectedAttachments));
            _pendingAttachments = attachments;
        }

        attachments[_receivedAttachments++] = data.ToArray();
        if (_receivedAttachments < _expectedAttachments)
        {
            return SocketDecodeStatus.Ok;
        }

        var completed = new SocketPacket
        {
            Type = _pendingType,
            Namespace = _pendingNamespace,
            AckId = _pendingAckId,
            Data = _pendingData,
            Attachments = attachments,
        };
        Reset();
        if (completed.Data is { } json && !AttachmentPlaceholder.AreValid(json, attachments.Length))
        {
            return SocketDecodeStatus.IllegalAttachments;
        }

        packet = completed;
        return SocketDecodeStatus.Ok;
    }

    /// <summary>Drops a binary packet whose attachments are still awaited. Same as the reference's <c>Decoder.destroy()</c>.</summary>
    public void Reset()
    {
        _pendingAttachments = null;
        _pendingData = null;
        _pendingNamespace = "/";
        _pendingAckId = null;
        _expectedAttachments = 0;
        _receivedAttachments = 0;
    }

    // The reference takes everything up to the first '-' as a JavaScript number; a client writes plain digits, and
    // only those are accepted here.
    private SocketDecodeStatus ReadAttachmentCount(ReadOnlySpan<byte> utf8, ref int position, out int count)
    {
        count = 0;
        var digits = utf8[position..];
        var dash = digits.IndexOf((byte)'-');
        if (dash <= 0)
        {
            return SocketDecodeStatus.InvalidAttachments;
        }

        digits = digits[..dash];
        long value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return SocketDecodeStatus.InvalidAttachments;
            }

            value = Math.Min(value * 10 + (c - '0'), int.MaxValue);
        }

        if (value == 0)
        {
            return SocketDecodeStatus.InvalidAttachments;
        }

        if (value > MaxAttachments)
        {
            return SocketDecodeStatus.TooManyAttachments;
        }

        count = (int)value;
        position += dash + 1;
        return SocketDecodeStatus.Ok;
    }

    private static bool TryReadAckId(ReadOnlySpan<byte> utf8, ref int position, out long id)
    {
        id = 0;
        while (position < utf8.Length && char.IsAsciiDigit((char)utf8[position]))
        {
            var digit = utf8[position] - '0';
            if (id > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            id = id * 10 + digit;
            position++;
        }

        return true;
    }

    private static bool TryParseJson(ReadOnlySpan<byte> utf8, out JsonElement payload)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            payload = JsonElement.ParseValue(ref reader);
            return !reader.Read();
        }
        catch (JsonException)
        {
            payload = default;
            return false;
        }
    }

    private static bool IsPayloadValid(SocketPacketType type, JsonElement payload) => type switch
    {
        SocketPacketType.Connect => payload.ValueKind == JsonValueKind.Object,
        SocketPacketType.Disconnect => false,
        SocketPacketType.Event or SocketPacketType.BinaryEvent => IsEventPayloadValid(payload),
        SocketPacketType.Ack or SocketPacketType.BinaryAck => payload.ValueKind == JsonValueKind.Array,
        SocketPacketType.ConnectError => payload.ValueKind is JsonValueKind.Object or JsonValueKind.String,
        _ => false,
    };

    private static bool IsEventPayloadValid(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Array || payload.GetArrayLength() == 0)
        {
            return false;
        }

        var name = payload[0];
        return name.ValueKind switch
        {
            JsonValueKind.Number => true,
            JsonValueKind.String => JsonTextComparison.IsReadable(name) && !ReservedEventNames.Contains(name),
            _ => false,
        };
    }

    private string GetNamespace(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 1)
        {
            return "/";
        }

        for (var i = 0; i < NamespaceCacheSize; i++)
        {
            if (_namespaceUtf8[i] is { } cached && utf8.SequenceEqual(cached))
            {
                return _namespaces[i]!;
            }
        }

        var nsp = Encoding.UTF8.GetString(utf8);
        var slot = _nextNamespaceSlot;
        _namespaceUtf8[slot] = utf8.ToArray();
        _namespaces[slot] = nsp;
        _nextNamespaceSlot = (slot + 1) % NamespaceCacheSize;
        return nsp;
    }
}
