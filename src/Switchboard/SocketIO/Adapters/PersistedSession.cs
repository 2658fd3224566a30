namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// What connection state recovery keeps of a socket that lost its connection: enough to give a
/// reconnecting client back its id, rooms and data. Same as Node's <c>SessionToPersist</c>.
/// </summary>
/// <param name="Sid">The socket id.</param>
/// <param name="Pid">The private session id the client presents to recover.</param>
/// <param name="Rooms">The rooms the socket was in, its own id room included.</param>
/// <param name="Data">The socket's <see cref="Socket.Data"/>.</param>
/// <param name="ConnectOffset">The newest offset when the socket connected: where replay starts for a client that received no event since.</param>
public sealed record PersistedSession(string Sid, string Pid, IReadOnlyCollection<string> Rooms, IReadOnlyDictionary<string, object?> Data, string? ConnectOffset);
