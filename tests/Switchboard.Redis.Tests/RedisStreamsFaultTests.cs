using StackExchange.Redis;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The Redis Streams adapter when things go wrong: Redis restarted mid-traffic, and entries in the stream or messages on
/// the channels that no adapter wrote. Each test has this class's Redis to itself while it stops and starts it (xUnit
/// runs the tests of one class one at a time).
/// </summary>
public sealed class RedisStreamsFaultTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private readonly string _key = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Starts Redis again if a test that stopped it failed before starting it.</summary>
    public Task InitializeAsync() => redis.StartAsync();

    /// <inheritdoc/>
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task During_a_Redis_restart_local_delivery_continues_requests_fail_fast_and_cross_server_delivery_resumes_after()
    {
        var adapter = SwitchboardClusterServer.RedisStreamsAdapterOn(redis, _key);
        var here = await SwitchboardClusterServer.StartAsync("here", adapter);
        var there = await SwitchboardClusterServer.StartAsync("there", adapter);
        await using var cluster = await Cluster.StartAsync([here, there]);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("c", 1);
        await cluster.AskAsync("a", "broadcast", new { @event = "before" });
        await cluster.ExpectEventsAsync("c", "before");

        await redis.StopAsync();
        foreach (var server in new[] { here, there })
        {
            await server.Server.Logs.WaitForAsync(e => e.EventId.Id == 312, HangGuard);
        }

        await cluster.AskAsync("a", "broadcast", new { @event = "during" });
        var fetched = await cluster.AskAsync("a", "fetch-sockets", new { });

        await cluster.ExpectEventsAsync("a", "before", "during");
        Assert.Contains($"Redis at 127.0.0.1:{redis.Port} is unreachable", fetched.GetProperty("error").GetString(), StringComparison.Ordinal);

        await redis.StartAsync();
        foreach (var server in new[] { here, there })
        {
            await ((RedisStreamsAdapter)server.Adapter).Listening.WaitAsync(HangGuard);
        }

        await cluster.AskAsync("a", "broadcast", new { @event = "after" });

        // Nothing sent during the outage reached the other server, and what is sent now does, to both.
        await cluster.ExpectEventsAsync("c", "after");
        await cluster.ExpectEventsAsync("a", "after");
        Assert.Equal(2, (await cluster.AskAsync("c", "fetch-sockets", new { })).GetProperty("sockets").GetArrayLength());
    }

    [Theory]
    [InlineData("type", "3", "data", "not JSON, not base64 msgpack")]
    [InlineData("type", "3", "data", "{\"packet\":{\"type\":2}}")]
    [InlineData("type", "three", "data", "{}")]
    [InlineData("type", "4", "data", "{\"rooms\":[\"x\"]}")]
    [InlineData("type", "99", "data", "{}")]
    public Task A_stream_entry_no_adapter_wrote_is_logged_and_ignored(string field1, string value1, string field2, string value2) =>
        AssertIgnoredAsync(_key, intruder => intruder.GetDatabase().StreamAddAsync(_key, [new("uid", "intruder"), new("nsp", "/"), new(field1, value1), new(field2, value2)]));

    [Theory]
    [InlineData("not msgpack")]
    [InlineData("\u0093\u0001\u0002\u0003")]
    [InlineData("\u0084\u00a4type\u0007\u00a4data\u00c0\u00a3uid\u00a1x\u00a3nsp\u00a1/")]
    public Task A_message_on_the_public_channel_no_adapter_wrote_is_logged_and_ignored(string message) =>
        AssertIgnoredAsync(_key + "#/#", intruder => intruder.GetSubscriber().PublishAsync(RedisChannel.Literal(_key + "#/#"), System.Text.Encoding.Latin1.GetBytes(message)));

    // Two servers with a client each; what the intruder writes is logged, as read from where, and nothing else changes.
    private async Task AssertIgnoredAsync(string where, Func<ConnectionMultiplexer, Task> intrude)
    {
        var adapter = SwitchboardClusterServer.RedisStreamsAdapterOn(redis, _key);
        var here = await SwitchboardClusterServer.StartAsync("here", adapter);
        var there = await SwitchboardClusterServer.StartAsync("there", adapter);
        await using var cluster = await Cluster.StartAsync([here, there]);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 1);
        await using var intruder = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

        await intrude(intruder);

        var logged = await there.Server.Logs.WaitForAsync(e => e.EventId.Id == 303, HangGuard);
        Assert.Contains(where, logged.Message, StringComparison.Ordinal);
        await cluster.AskAsync("a", "broadcast", new { @event = "still-working" });
        await cluster.ExpectEventsAsync("b", "still-working");
    }
}
