using StackExchange.Redis;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>One stream entry as a server appended it: its fields in order, values as text.</summary>
public sealed record SpiedEntry(string Id, IReadOnlyList<KeyValuePair<string, string>> Fields);

/// <summary>
/// Reads the entries appended to one stream, each once and in stream order, from those appended after it started, so
/// that tests see the fields each server wrote. Node appends after it has answered its client, so the spy waits for
/// each entry, checking the stream every few milliseconds up to a hang guard.
/// </summary>
public sealed class StreamSpy : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisKey _stream;
    private string _last;

    private StreamSpy(ConnectionMultiplexer connection, RedisKey stream, string last)
    {
        _connection = connection;
        _stream = stream;
        _last = last;
    }

    /// <summary>Starts reading <paramref name="stream"/> from its end.</summary>
    public static async Task<StreamSpy> StartAsync(RedisServer redis, string stream)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var last = await connection.GetDatabase().StreamRangeAsync(stream, "-", "+", 1, Order.Descending);
        return new StreamSpy(connection, stream, last.Length == 1 ? last[0].Id! : "0-0");
    }

    /// <summary>The next entry.</summary>
    public async Task<SpiedEntry> NextAsync()
    {
        using var timeout = new CancellationTokenSource(HangGuard);
        while (true)
        {
            var entries = await _connection.GetDatabase().StreamRangeAsync(_stream, "(" + _last, "+", 1);
            if (entries.Length == 1)
            {
                _last = entries[0].Id!;
                return new SpiedEntry(_last, [.. entries[0].Values.Select(v => KeyValuePair.Create((string)v.Name!, (string)v.Value!))]);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
