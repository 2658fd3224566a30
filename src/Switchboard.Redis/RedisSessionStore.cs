using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Redis.Wire;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;

namespace Switchboard.Redis;

/// <summary>
/// One namespace's connection state recovery sessions in Redis (see <see cref="SessionRecord"/>), where any server of
/// the cluster can claim them. Node's adapter writes a session only when its socket loses its connection, which a
/// server that dies never does; so this store also keeps a snapshot of each connected socket's session, written when
/// its rooms change and again every half <see cref="ConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>, with
/// an expiry one and a half times that: a client whose server dies can recover at another for at least the whole
/// window, with the rooms it had and the data it had at the last snapshot. When the socket loses its connection the
/// final session replaces the snapshot for the window, as in Node; when it leaves for good the snapshot is deleted.
/// </summary>
/// <remarks>
/// Writes for one session are issued under one lock, in order, on the one connection, so a late snapshot cannot
/// overwrite the final session or bring back a deleted one. They are not awaited: a failed write is logged.
/// </remarks>
internal sealed class RedisSessionStore : IDisposable
{
    private readonly RedisConnection _connection;
    private readonly StreamsChannels _channels;
    private readonly Namespace _nsp;
    private readonly ILogger _logger;
    private readonly TimeSpan _window;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Socket> _connected = new(StringComparer.Ordinal);
    private readonly ITimer _refresh;

    public RedisSessionStore(RedisConnection connection, StreamsChannels channels, Namespace nsp, ConnectionStateRecoveryOptions recovery, ILogger logger)
    {
        _connection = connection;
        _channels = channels;
        _nsp = nsp;
        _logger = logger;
        _window = recovery.MaxDisconnectionDuration;
        var interval = _window / 2;
        _refresh = nsp.Server.Engine.TimeProvider.CreateTimer(_ => Refresh(), null, interval, interval);
    }

    /// <summary>Writes the snapshot of socket <paramref name="socketId"/> if it is connected with a private session id.</summary>
    public void Track(string socketId)
    {
        if (!_nsp.Sockets.TryGetValue(socketId, out var socket) || !socket.Connected || socket.Pid is null)
        {
            return;
        }

        lock (_gate)
        {
            _connected[socketId] = socket;
            Write(socket.Pid, Snapshot(socket), _window * 1.5);
        }
    }

    /// <summary>Writes the session of a socket that lost its connection, for the recovery window. Node's <c>persistSession</c>.</summary>
    public void Persist(PersistedSession session)
    {
        lock (_gate)
        {
            _connected.Remove(session.Sid);
            Write(session.Pid, session, _window);
        }
    }

    /// <summary>Deletes the snapshot of a socket that left for good; nothing for one whose session was persisted.</summary>
    public void Forget(string socketId)
    {
        lock (_gate)
        {
            if (_connected.Remove(socketId, out var socket) && socket.Pid is { } pid)
            {
                Observe(_connection.Connected?.GetDatabase().KeyDeleteAsync(_channels.SessionKey(pid)), "a session that ended stays claimable until it expires");
            }
        }
    }

    /// <summary>
    /// Takes session <paramref name="pid"/> out of Redis, as Node does with <c>GET</c> and <c>DEL</c> in one
    /// transaction, so that one client recovers it once; null when there is none (or it is not a session).
    /// </summary>
    /// <exception cref="RedisException">Redis failed.</exception>
    public async Task<PersistedSession?> ClaimAsync(string pid)
    {
        var database = _connection.Connected?.GetDatabase() ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is unreachable.");
        var transaction = database.CreateTransaction();
        var key = _channels.SessionKey(pid);
        var value = transaction.StringGetAsync(key);
        _ = transaction.KeyDeleteAsync(key);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        return (string?)await value.ConfigureAwait(false) is { } text ? SessionRecord.Read(text) : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _refresh.Dispose();

    private static PersistedSession Snapshot(Socket socket) =>
        new(socket.Id, socket.Pid!, socket.Rooms, new Dictionary<string, object?>(socket.Data, StringComparer.Ordinal), socket.ConnectOffset);

    private void Refresh()
    {
        lock (_gate)
        {
            foreach (var socket in _connected.Values)
            {
                Write(socket.Pid!, Snapshot(socket), _window * 1.5);
            }
        }
    }

    // Called with the gate held.
    private void Write(string pid, PersistedSession session, TimeSpan expiry) =>
        Observe(
            _connection.Connected?.GetDatabase().StringSetAsync(_channels.SessionKey(pid), SessionRecord.Write(session, _nsp.Server.Options.JsonSerializerOptions), expiry),
            "a client that comes back at another server gets a fresh session");

    private void Observe(Task? write, string consequence)
    {
        if (write is null)
        {
            RedisAdapterLog.WriteFailed(_logger, _nsp.Name, consequence, new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is unreachable."));
        }
        else if (!write.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(write, consequence);
        }
    }

    private async Task ObserveAsync(Task write, string consequence)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            RedisAdapterLog.WriteFailed(_logger, _nsp.Name, consequence, e);
        }
    }
}
