using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Redis.Wire;

namespace Switchboard.Redis;

/// <summary>
/// Reads the streams of one server's Streams adapters and hands each entry to the adapter of its namespace, in
/// stream order: Node's <c>startPolling</c>, with one blocking <c>XREAD</c> over every stream on a connection of its
/// own (StackExchange.Redis sends every other command on one shared connection, which a blocking read would stall).
/// It starts where each stream ended when it started, so that no entry added since is missed, and after an outage
/// goes on from the last entry it read.
/// </summary>
/// <remarks>
/// Each stream has a position, the last entry handed on, moved under a lock that entry's handling also holds: a
/// recovering socket joins its rooms under that lock (see <see cref="TryAttach"/>), so it gets each entry exactly once,
/// either in the replay or from this reader.
/// </remarks>
internal sealed class RedisStreamReader : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly RedisStreamsAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly RedisConnection _connection;
    private readonly ConcurrentDictionary<string, RedisStreamsAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Position> _positions = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopped = new();
    private readonly Task _reading;

    public RedisStreamReader(RedisStreamsAdapterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var configuration = RedisConnection.Parse(options.Configuration, "RedisStreamsAdapterOptions.Configuration");

        // A read waits up to BlockTime for entries: the command must not time out before Redis answers.
        configuration.AsyncTimeout = configuration.SyncTimeout = (int)(options.BlockTime + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        _connection = new RedisConnection(configuration, logger);
        foreach (var stream in Streams(options))
        {
            _positions[stream] = new Position();
        }

        _reading = ReadAsync();
    }

    /// <summary>Completes once the reader knows where every stream ended, and reads on from there.</summary>
    public Task Started => _started.Task;

    /// <summary>Starts handing <paramref name="adapter"/> the entries of its namespace.</summary>
    public void Register(RedisStreamsAdapter adapter) => _adapters[adapter.Namespace.Name] = adapter;

    /// <summary>Stops handing <paramref name="adapter"/> entries.</summary>
    public void Unregister(RedisStreamsAdapter adapter) => _adapters.TryRemove(new(adapter.Namespace.Name, adapter));

    /// <summary>The last entry of <paramref name="stream"/> handed on, or null before the reader started.</summary>
    public StreamOffset? PositionOf(string stream) => _positions[stream].Last;

    /// <summary>
    /// Completes once the entry <paramref name="offset"/> of <paramref name="stream"/> has been handed on (and this
    /// server's sockets have it), or the reader lost its connection meanwhile (and hands it on when it is back).
    /// </summary>
    public Task WhenReadAsync(string stream, StreamOffset offset) => _positions[stream].WhenPastAsync(offset);

    /// <summary>
    /// Runs <paramref name="attach"/> with the stream's position, under the lock its entries are handled under, unless
    /// the reader has gone past <paramref name="readUpTo"/>, the last entry the caller has read itself: then false,
    /// and the caller reads on. Entries after the position reach the attached socket from this reader.
    /// </summary>
    public bool TryAttach(string stream, StreamOffset readUpTo, Action<StreamOffset> attach)
    {
        var position = _positions[stream];
        lock (position.Gate)
        {
            if (position.Last is not { } last || last > readUpTo)
            {
                return false;
            }

            attach(last);
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // The last read may wait out its block time in Redis: it is not waited for.
        await _connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        _stopped.Dispose();
    }

    private static IEnumerable<string> Streams(RedisStreamsAdapterOptions options)
    {
        if (options.StreamCount == 1)
        {
            yield return options.StreamName;
            yield break;
        }

        // Node's hash remainder lies between -(count - 1) and count - 1.
        for (var i = 1 - options.StreamCount; i < options.StreamCount; i++)
        {
            yield return options.StreamName + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private async Task ReadAsync()
    {
        var streams = _positions.Keys.Order(StringComparer.Ordinal).ToArray();
        while (!_stopped.IsCancellationRequested)
        {
            try
            {
                await _connection.WhenConnectedAsync().WaitAsync(_stopped.Token).ConfigureAwait(false);
                var database = _connection.Connected?.GetDatabase();
                if (database is null)
                {
                    continue;
                }

                if (!_started.Task.IsCompleted)
                {
                    foreach (var stream in streams)
                    {
                        var last = await database.StreamRangeAsync(stream, "-", "+", 1, Order.Descending).ConfigureAwait(false);
                        _positions[stream].Start(last.Length == 1 && StreamOffset.TryParse(last[0].Id, out var id) ? id : StreamOffset.Zero);
                    }

                    _started.TrySetResult();
                }

                var read = await database.ExecuteAsync("XREAD", ReadArguments(streams)).WaitAsync(_stopped.Token).ConfigureAwait(false);
                if (!read.IsNull)
                {
                    HandOn((RedisResult[])read!);
                }
            }
            catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                RedisAdapterLog.StreamReadFailed(_logger, e.Message);
                foreach (var position in _positions.Values)
                {
                    position.ReleaseWaiters();
                }

                try
                {
                    await Task.Delay(RetryDelay, _stopped.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private object[] ReadArguments(string[] streams)
    {
        var args = new List<object>(6 + (2 * streams.Length))
        {
            "COUNT", _options.ReadCount, "BLOCK", (long)_options.BlockTime.TotalMilliseconds, "STREAMS",
        };
        args.AddRange(streams);
        foreach (var stream in streams)
        {
            args.Add(_positions[stream].Last!.Value.ToString());
        }

        return [.. args];
    }

    // [[stream, [[id, [field, value, …]], …]], …]
    private void HandOn(RedisResult[] streams)
    {
        foreach (var result in streams)
        {
            var pair = (RedisResult[])result!;
            var stream = (string)pair[0]!;
            if (!_positions.TryGetValue(stream, out var position))
            {
                continue;
            }

            foreach (var entry in (RedisResult[])pair[1]!)
            {
                var parts = (RedisResult[])entry!;
                var id = (string)parts[0]!;
                if (!StreamOffset.TryParse(id, out var offset))
                {
                    continue;
                }

                var values = (RedisResult[])parts[1]!;
                var fields = new NameValueEntry[values.Length / 2];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = new NameValueEntry((RedisValue)values[2 * i], (RedisValue)values[(2 * i) + 1]);
                }

                lock (position.Gate)
                {
                    if (StreamsMessage.NamespaceOf(fields) is { } nsp && _adapters.TryGetValue(nsp, out var adapter))
                    {
                        adapter.OnStreamEntry(stream, offset, fields);
                    }

                    position.Advance(offset);
                }
            }
        }
    }

    /// <summary>Where the reader is in one stream, and who waits for it to get somewhere.</summary>
    private sealed class Position
    {
        private readonly List<(StreamOffset Offset, TaskCompletionSource Done)> _waiters = [];
        private StreamOffset? _last;

        /// <summary>Held while an entry is handed on and while a recovering socket attaches.</summary>
        public Lock Gate { get; } = new();

        public StreamOffset? Last
        {
            get
            {
                lock (Gate)
                {
                    return _last;
                }
            }
        }

        public void Start(StreamOffset offset)
        {
            lock (Gate)
            {
                _last ??= offset;
            }
        }

        // Called with the gate held.
        public void Advance(StreamOffset offset)
        {
            _last = offset;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Offset <= offset)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        public Task WhenPastAsync(StreamOffset offset)
        {
            lock (Gate)
            {
                if (_last is { } last && last >= offset)
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((offset, done));
                return done.Task;
            }
        }

        public void ReleaseWaiters()
        {
            lock (Gate)
            {
                foreach (var (_, done) in _waiters)
                {
                    done.TrySetResult();
                }

                _waiters.Clear();
            }
        }
    }
}
