using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Switchboard.SocketIO.Packets;

/// <summary>
/// One Socket.IO v5 packet, as <see cref="SocketPacketDecoder"/> produces it and
/// <see cref="SocketPacketEncoder.Encode(SocketPacket)"/> writes it. Immutable once built.
/// </summary>
/// <remarks>
/// The JSON of a binary packet is kept as it came: each attachment stays a <c>{"_placeholder":true,"num":N}</c>
/// object in <see cref="Data"/>, and <see cref="TryGetAttachment"/> turns such an object into its bytes.
/// </remarks>
public sealed class SocketPacket
{
    /// <summary>The packet type. A binary packet keeps its <c>Binary*</c> type after its attachments are collected.</summary>
    public required SocketPacketType Type { get; init; }

    /// <summary>The namespace, <c>/</c> when the packet names none.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>The acknowledgement id, or null when the packet has none.</summary>
    public long? AckId { get; init; }

    /// <summary>
    /// The JSON payload, or null when the packet has none. The reference parser checks a payload only when there is
    /// one, so a packet of any type may come without it (<c>2</c> alone is an EVENT without data) although the spec
    /// requires one for EVENT and ACK; the caller decides what such a packet means.
    /// </summary>
    public JsonElement? Data { get; init; }

    /// <summary>The binary attachments in the order of their <c>num</c>; empty for a text-only packet.</summary>
    public IReadOnlyList<byte[]> Attachments { get; init; } = [];

    /// <summary>
    /// Resolves an attachment placeholder found anywhere in <see cref="Data"/>: returns true with the bytes when
    /// <paramref name="element"/> is a <c>{"_placeholder":true,"num":N}</c> object and N indexes
    /// <see cref="Attachments"/>. Same as the reference's <c>reconstructPacket</c>, one value at a time.
    /// </summary>
    public bool TryGetAttachment(JsonElement element, [NotNullWhen(true)] out byte[]? attachment)
    {
        if (AttachmentPlaceholder.TryGetIndex(element, Attachments.Count, out var index))
        {
            attachment = Attachments[index];
            return true;
        }

        attachment = null;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Type} {Namespace}{(AckId is { } id ? " #" + id.ToString(CultureInfo.InvariantCulture) : "")} {Data?.GetRawText()}{(Attachments.Count > 0 ? $" + {Attachments.Count} attachment(s)" : "")}");
}
