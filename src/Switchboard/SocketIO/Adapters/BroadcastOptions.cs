namespace Switchboard.SocketIO.Adapters;

/// <summary>Who a broadcast reaches: the members of <see cref="Rooms"/> (all sockets if empty) minus the members of <see cref="Except"/>.</summary>
/// <param name="Rooms">The target rooms; empty means the whole namespace.</param>
/// <param name="Except">Rooms whose members are skipped (a socket id names that socket's own room).</param>
public sealed record BroadcastOptions(IReadOnlyList<string> Rooms, IReadOnlyList<string> Except);
