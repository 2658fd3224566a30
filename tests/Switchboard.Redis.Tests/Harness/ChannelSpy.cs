using StackExchange.Redis;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>One message as it went through Redis: the channel and the exact bytes.</summary>
public sealed record SpiedMessage(string Channel, byte[] Bytes);

/// <summary>
/// Reads every message published on the channels of one adapter key (pattern <c>{key}*</c>), in the order Redis
/// delivered them, so that tests see the bytes each server wrote. A pattern subscription is not counted by
/// <c>PUBSUB NUMSUB</c>, so the spy is not taken for a server.
/// </summary>
public sealed class ChannelSpy : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);
    private readonly ConnectionMultiplexer _connection;
    private readonly ChannelMessageQueue _queue;

    private ChannelSpy(ConnectionMultiplexer connection, ChannelMessageQueue queue)
    {
        _connection = connection;
        _queue = queue;
    }

    /// <summary>Starts reading the channels of <paramref name="key"/>.</summary>
    public static async Task<ChannelSpy> StartAsync(RedisServer redis, string key)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var queue = await connection.GetSubscriber().SubscribeAsync(RedisChannel.Pattern(key + "*"));
        return new ChannelSpy(connection, queue);
    }

    /// <summary>The next message on a channel that <paramref name="channel"/> accepts; messages on other channels are skipped.</summary>
    public async Task<SpiedMessage> NextAsync(Func<string, bool> channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        using var timeout = new CancellationTokenSource(HangGuard);
        while (true)
        {
            var message = await _queue.ReadAsync(timeout.Token);
            var name = message.Channel.ToString();
            if (channel(name))
            {
                return new SpiedMessage(name, (byte[])message.Message!);
            }
        }
    }

    /// <summary>
    /// The two answers a server publishes to a broadcast with acknowledgements: its client count and its one
    /// client's answer. The answer may overtake the count (the asker waits for both, in any order), so they are
    /// told apart by the count's <c>clientCount</c> key, written the same in JSON and msgpack.
    /// </summary>
    public async Task<(SpiedMessage Count, SpiedMessage Answer)> NextCountAndAnswerAsync(Func<string, bool> channel)
    {
        var first = await NextAsync(channel);
        var second = await NextAsync(channel);
        return first.Bytes.AsSpan().IndexOf("clientCount"u8) >= 0 ? (first, second) : (second, first);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _queue.UnsubscribeAsync();
        await _connection.DisposeAsync();
    }
}
