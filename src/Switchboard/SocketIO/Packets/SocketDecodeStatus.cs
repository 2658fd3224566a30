namespace Switchboard.SocketIO.Packets;

/// <summary>
/// The verdict of <see cref="SocketPacketDecoder"/>. Anything but <see cref="Ok"/> is a protocol violation by the
/// peer: the reference server (socket.io-parser's <c>Decoder.add</c> throws, <c>Client.onerror</c> handles it)
/// reports an error to the client's sockets and closes the connection.
/// </summary>
public enum SocketDecodeStatus
{
    /// <summary>The input was accepted; the packet is complete, or attachments are now awaited.</summary>
    Ok,

    /// <summary>The text frame is empty.</summary>
    Empty,

    /// <summary>The first character is not a packet type digit 0–6 (reference: "unknown packet type").</summary>
    UnknownType,

    /// <summary>The text is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>
    /// A binary packet lacks a positive attachment count followed by <c>-</c>, as in <c>51-[…]</c>
    /// (reference: "Illegal attachments").
    /// </summary>
    InvalidAttachments,

    /// <summary>A binary packet announces more attachments than the decoder allows (reference: "too many attachments").</summary>
    TooManyAttachments,

    /// <summary>The acknowledgement id does not fit a 64-bit signed integer.</summary>
    InvalidAckId,

    /// <summary>The payload is not one well-formed JSON value (reference: "invalid payload").</summary>
    InvalidJson,

    /// <summary>
    /// The payload is JSON but not what the packet type allows: CONNECT an object, DISCONNECT nothing, EVENT a
    /// non-empty array starting with a non-reserved event name or a number, ACK an array, CONNECT_ERROR an object or
    /// a string (reference: "invalid payload").
    /// </summary>
    InvalidPayload,

    /// <summary>
    /// When the last attachment arrived, a <c>{"_placeholder":true,"num":N}</c> object had no integer
    /// <c>N</c> within the attachment count (reference: "illegal attachments").
    /// </summary>
    IllegalAttachments,

    /// <summary>
    /// A text packet arrived while attachments of a binary packet were still awaited
    /// (reference: "got plaintext data when reconstructing a packet").
    /// </summary>
    UnexpectedText,

    /// <summary>
    /// A binary frame arrived while no binary packet awaited attachments
    /// (reference: "got binary data when not reconstructing a packet").
    /// </summary>
    UnexpectedBinary,
}
