namespace Switchboard.SocketIO.Adapters;

/// <summary>Who a broadcast reaches: the members of <see cref="Rooms"/> (all sockets if empty) minus the members of <see cref="Except"/>, and how.</summary>
/// <param name="Rooms">The target rooms; empty means the whole namespace.</param>
/// <param name="Except">Rooms whose members are skipped (a socket id names that socket's own room).</param>
public sealed record BroadcastOptions(IReadOnlyList<string> Rooms, IReadOnlyList<string> Except)
{
    /// <summary>Every socket of the namespace.</summary>
    public static BroadcastOptions All { get; } = new([], []);

    /// <summary>Dropped for a client that cannot take it right now instead of queued. Node's <c>volatile</c> flag.</summary>
    public bool Volatile { get; init; }

    /// <summary>Only this server's sockets, even when an adapter links several servers. Node's <c>local</c> flag.</summary>
    public bool Local { get; init; }

    /// <summary>
    /// How long the sender waits for acknowledgements (<see cref="BroadcastOperator.Timeout"/>), or null for no limit. Node's
    /// <c>timeout</c> flag; a scale-out adapter stops listening for other servers' answers after it.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Whether the message may be compressed when the connection negotiated compression. Node's <c>compress</c> flag; default true.</summary>
    public bool Compress { get; init; } = true;
}
