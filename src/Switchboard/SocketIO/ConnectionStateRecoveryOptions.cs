namespace Switchboard.SocketIO;

/// <summary>
/// Connection state recovery: a client that loses its connection and comes back within
/// <see cref="MaxDisconnectionDuration"/> gets its socket id, rooms and data back, and every event it
/// missed, once and in order. Same as Node's <c>connectionStateRecovery</c> option; off unless set.
/// </summary>
public sealed class ConnectionStateRecoveryOptions
{
    /// <summary>How long a lost session and the events sent meanwhile are kept. Reference default: 2 minutes.</summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether a recovered socket skips the namespace middleware. Reference default: true.</summary>
    public bool SkipMiddlewares { get; set; } = true;

    /// <summary>
    /// The most events a namespace keeps for recovery, so a burst cannot hold unbounded memory; a client
    /// whose missed events were dropped gets a fresh session instead. The reference has no bound. Default: 100,000.
    /// </summary>
    public int MaxBufferedPackets { get; set; } = 100_000;
}
