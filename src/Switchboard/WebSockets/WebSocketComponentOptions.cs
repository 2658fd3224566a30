namespace Switchboard.WebSockets;

/// <summary>Settings of a WebSocket component endpoint.</summary>
public sealed class WebSocketComponentOptions
{
    /// <summary>
    /// How often the server pings each client. Unlike Ratchet, on by default, so dead clients
    /// (a phone that lost its network) are noticed. <see cref="TimeSpan.Zero"/> turns the heartbeat off. Default: 30 s.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a ping may go unanswered before the connection is closed. Default: 30 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest message accepted, in bytes, after reassembly; larger ones close the connection with 1009. Default: 1,000,000.</summary>
    public int MaxMessageSize { get; set; } = 1_000_000;

    /// <summary>
    /// How many messages may wait for a slow client. Past this bound the client is closed with
    /// 1008 and a log line, so it never holds memory or delays others. Default: 1,024.
    /// </summary>
    public int MaxSendQueueLength { get; set; } = 1024;

    /// <summary>
    /// The sub-protocols the server speaks, in order of preference; the first the client also
    /// offers is agreed. Empty (the default): no sub-protocol.
    /// </summary>
    public IList<string> SubProtocols { get; } = [];
}
