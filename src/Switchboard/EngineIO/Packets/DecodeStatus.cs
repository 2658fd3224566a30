namespace Switchboard.EngineIO.Packets;

/// <summary>The verdict of an Engine.IO decoder. Anything but <see cref="Ok"/> is a protocol violation by the peer.</summary>
public enum DecodeStatus
{
    /// <summary>The input is a well-formed packet.</summary>
    Ok,

    /// <summary>The input is empty where a packet was expected.</summary>
    Empty,

    /// <summary>The first character is not a packet type digit 0–6 (or <c>b</c> in a payload).</summary>
    UnknownType,

    /// <summary>A <c>b</c>-prefixed payload record is not valid base64.</summary>
    InvalidBase64,

    /// <summary>A text packet is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The input is larger than the configured maximum.</summary>
    TooLarge,
}
