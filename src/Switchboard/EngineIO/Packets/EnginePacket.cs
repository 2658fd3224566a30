using System.Text;

namespace Switchboard.EngineIO.Packets;

/// <summary>
/// One Engine.IO packet, encoded once and immutable, so the same instance can be queued to any
/// number of sessions. A text packet keeps its WebSocket frame (type digit followed by UTF-8 data);
/// a binary packet is always a message and keeps the raw bytes.
/// </summary>
public sealed class EnginePacket
{
    /// <summary>The heartbeat request the server sends.</summary>
    public static readonly EnginePacket Ping = new(EnginePacketType.Ping);

    /// <summary>The heartbeat reply.</summary>
    public static readonly EnginePacket Pong = new(EnginePacketType.Pong);

    /// <summary>The reply to an upgrade probe (<c>3probe</c>).</summary>
    public static readonly EnginePacket PongProbe = Text(EnginePacketType.Pong, "probe"u8);

    /// <summary>The packet that ends a pending poll during an upgrade.</summary>
    public static readonly EnginePacket Noop = new(EnginePacketType.Noop);

    /// <summary>The packet that tells the client the session is closed.</summary>
    public static readonly EnginePacket Close = new(EnginePacketType.Close);

    private readonly byte[] _frame;

    private EnginePacket(EnginePacketType type)
        : this(type, [(byte)('0' + (int)type)], isBinary: false)
    {
    }

    private EnginePacket(EnginePacketType type, byte[] frame, bool isBinary)
    {
        Type = type;
        _frame = frame;
        IsBinary = isBinary;
    }

    /// <summary>The packet type.</summary>
    public EnginePacketType Type { get; }

    /// <summary>
    /// Whether the packet may be compressed (permessage-deflate, HTTP compression of a poll) when the
    /// connection negotiated it. Node's per-packet <c>compress</c> option; true unless turned off.
    /// </summary>
    public bool Compress { get; private init; } = true;

    /// <summary>True for a binary message, which a WebSocket sends as a binary frame and polling as <c>b</c> + base64.</summary>
    public bool IsBinary { get; }

    /// <summary>The bytes of the WebSocket frame: the type digit and UTF-8 data, or the raw bytes of a binary message.</summary>
    public ReadOnlyMemory<byte> Frame => _frame;

    /// <summary>The data after the type digit (UTF-8 text), or the raw bytes of a binary message.</summary>
    public ReadOnlyMemory<byte> Data => IsBinary ? _frame : _frame.AsMemory(1);

    /// <summary>Creates a text packet from UTF-8 data.</summary>
    public static EnginePacket Text(EnginePacketType type, ReadOnlySpan<byte> utf8Data)
    {
        var frame = new byte[utf8Data.Length + 1];
        frame[0] = (byte)('0' + (int)type);
        utf8Data.CopyTo(frame.AsSpan(1));
        return new EnginePacket(type, frame, isBinary: false);
    }

    /// <summary>Creates a text packet from a string.</summary>
    public static EnginePacket Text(EnginePacketType type, string data)
    {
        var frame = new byte[Encoding.UTF8.GetByteCount(data) + 1];
        frame[0] = (byte)('0' + (int)type);
        Encoding.UTF8.GetBytes(data, frame.AsSpan(1));
        return new EnginePacket(type, frame, isBinary: false);
    }

    /// <summary>Creates a binary message packet. The array is kept, not copied; do not change it afterwards.</summary>
    public static EnginePacket Binary(byte[] data) => new(EnginePacketType.Message, data, isBinary: true);

    /// <summary>
    /// Wraps an already encoded text frame (type digit included). The array is kept, not copied;
    /// the caller guarantees its first byte is a valid type digit.
    /// </summary>
    internal static EnginePacket FromTextFrame(byte[] frame) => new((EnginePacketType)(frame[0] - '0'), frame, isBinary: false);

    /// <summary>
    /// The packets unchanged when <paramref name="compress"/> is true, otherwise copies that share
    /// their bytes and are sent uncompressed.
    /// </summary>
    public static EnginePacket[] WithCompression(EnginePacket[] packets, bool compress)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (compress)
        {
            return packets;
        }

        var copies = new EnginePacket[packets.Length];
        for (var i = 0; i < packets.Length; i++)
        {
            copies[i] = new EnginePacket(packets[i].Type, packets[i]._frame, packets[i].IsBinary) { Compress = false };
        }

        return copies;
    }

    /// <inheritdoc/>
    public override string ToString() => IsBinary ? $"binary message ({_frame.Length} bytes)" : Encoding.UTF8.GetString(_frame);
}
