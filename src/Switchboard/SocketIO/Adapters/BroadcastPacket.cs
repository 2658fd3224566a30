using Switchboard.EngineIO.Packets;

namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// An event on its way to many sockets: its name and arguments, encoded with the server's parser
/// once, on first use, and then shared by every recipient. A scale-out adapter reads the name and
/// arguments to forward the event to the other servers.
/// </summary>
public sealed class BroadcastPacket
{
    private readonly Namespace _namespace;
    private EnginePacket[]? _encoded;

    /// <summary>Describes an event of <paramref name="nsp"/>; <paramref name="ackId"/> when the recipients must acknowledge it.</summary>
    public BroadcastPacket(Namespace nsp, string eventName, IReadOnlyList<object?> args, long? ackId = null)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(args);
        _namespace = nsp;
        EventName = eventName;
        Arguments = args;
        AckId = ackId;
    }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The event's arguments, as the application passed them.</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>The namespace-wide acknowledgement id every recipient answers with, or null.</summary>
    public long? AckId { get; }

    /// <summary>The Engine.IO messages that carry the event; computed once.</summary>
    public EnginePacket[] Encode()
    {
        if (_encoded is { } encoded)
        {
            return encoded;
        }

        var args = Arguments is object?[] array ? array : [.. Arguments];
        encoded = _namespace.Server.Parser.EncodeEvent(_namespace.Name, EventName, args, AckId, _namespace.Server.JsonOptions);
        return Interlocked.CompareExchange(ref _encoded, encoded, null) ?? encoded;
    }

    /// <summary>The encoded messages, marked uncompressible when <paramref name="options"/> turns compression off.</summary>
    internal EnginePacket[] Encode(BroadcastOptions options) => EnginePacket.WithCompression(Encode(), options.Compress);

    /// <summary>The same event with one more argument: the offset that connection state recovery appends.</summary>
    internal BroadcastPacket WithOffset(string offset) => new(_namespace, EventName, [.. Arguments, offset], AckId);
}
