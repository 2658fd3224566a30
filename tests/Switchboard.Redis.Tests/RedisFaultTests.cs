using StackExchange.Redis;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The Redis adapters when things go wrong: Redis restarted mid-traffic or down when a server starts, a server that
/// never answers, and messages on the channels (and, for the Streams adapter, entries in the stream) that no adapter
/// wrote. Each test has this class's Redis to itself while it stops and starts it (xUnit runs the tests of one class
/// one at a time).
/// </summary>
public sealed class RedisFaultTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
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
        // Requests that waited for answers would take a minute, far beyond the driver's 10 s wait for an answer.
        var adapter = SwitchboardClusterServer.RedisAdapterOn(redis, _key, o => o.RequestsTimeout = TimeSpan.FromMinutes(1));
        var here = await SwitchboardClusterServer.StartAsync("here", adapter);
        var there = await SwitchboardClusterServer.StartAsync("there", adapter);
        await using var cluster = await Cluster.StartAsync([here, there]);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 0);
        await cluster.ConnectAsync("c", 1);
        await cluster.AskAsync("a", "broadcast", new { @event = "before" });
        await cluster.ExpectEventsAsync("c", "before");

        await redis.StopAsync();
        foreach (var server in new[] { here, there })
        {
            await server.Server.Logs.WaitForAsync(e => e.EventId.Id == 311, HangGuard);
        }

        await cluster.AskAsync("a", "broadcast", new { @event = "during" });
        var fetched = await cluster.AskAsync("a", "fetch-sockets", new { });
        var rooms = await cluster.AskAsync("a", "all-rooms");
        var whoami = await cluster.AskAsync("a", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 60_000 });
        var answers = await cluster.AskAsync("a", "broadcast-with-ack", new { @event = "question", timeoutMs = 60_000 });

        await cluster.ExpectEventsAsync("a", "before", "during", "question");
        await cluster.ExpectEventsAsync("b", "before", "during", "question");
        foreach (var failed in new[] { fetched, rooms, whoami })
        {
            Assert.Contains($"Redis at 127.0.0.1:{redis.Port} is unreachable", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(2, answers.GetProperty("responses").GetArrayLength());

        await redis.StartAsync();
        await here.RedisAdapter.Listening.WaitAsync(HangGuard);
        await there.RedisAdapter.Listening.WaitAsync(HangGuard);
        await cluster.AskAsync("a", "broadcast", new { @event = "after" });

        // Nothing sent during the outage reached the other server, and what is sent now does.
        await cluster.ExpectEventsAsync("c", "after");
        Assert.Equal(3, (await cluster.AskAsync("c", "fetch-sockets", new { })).GetProperty("sockets").GetArrayLength());
        await here.Server.Logs.WaitForAsync(e => e.EventId.Id == 302, HangGuard);
    }

    [Fact]
    public async Task A_server_started_while_Redis_is_down_joins_the_cluster_when_Redis_comes_up()
    {
        await redis.StopAsync();
        var late = await SwitchboardClusterServer.StartAsync("late", SwitchboardClusterServer.RedisAdapterOn(redis, _key), listening: false);
        await using var cluster = await Cluster.StartAsync([late]);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 0);

        await cluster.AskAsync("a", "broadcast", new { @event = "local" });
        await cluster.ExpectEventsAsync("b", "local");
        Assert.False(late.RedisAdapter.Listening.IsCompleted);

        await redis.StartAsync();
        await late.RedisAdapter.Listening.WaitAsync(HangGuard);
        await using var other = await SwitchboardClusterServer.StartAsync("other", SwitchboardClusterServer.RedisAdapterOn(redis, _key));

        var answer = await cluster.AskAsync("a", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 10_000 });
        Assert.Equal("""["other"]""", answer.GetProperty("responses").GetRawText());
    }

    [Fact]
    public async Task A_request_that_a_server_does_not_answer_fails_after_the_requests_timeout_naming_what_is_missing()
    {
        var adapter = SwitchboardClusterServer.RedisAdapterOn(redis, _key, o => o.RequestsTimeout = TimeSpan.FromMilliseconds(500));
        await using var cluster = await Cluster.StartAsync([await SwitchboardClusterServer.StartAsync("alone", adapter)]);
        await cluster.ConnectAsync("a", 0);

        // Subscribed to the request channel, so counted as a server by PUBSUB NUMSUB, but never answering: a hung server.
        await using var silent = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await silent.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"{_key}-request#/#"));

        var fetched = await cluster.AskAsync("a", "fetch-sockets", new { });
        var rooms = await cluster.AskAsync("a", "all-rooms");
        var whoami = await cluster.AskAsync("a", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 500 });

        Assert.Equal("timeout reached while waiting for fetchSockets response: 0 of 1 other servers answered within 500 ms", fetched.GetProperty("error").GetString());
        Assert.Equal("timeout reached while waiting for allRooms response: 0 of 1 other servers answered within 500 ms", rooms.GetProperty("error").GetString());
        Assert.Equal("timeout reached: only 0 responses received out of 1", whoami.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("#/#", "not JSON, not msgpack")]
    [InlineData("#/#", "[1, 2]")]
    [InlineData("#/#", "{\"uid\":\"x\"}")]
    [InlineData("-request#/#", "{\"uid\":\"x\",\"type\":5}")]
    [InlineData("-request#/#", "{\"uid\":\"x\",\"type\":6,\"data\":{\"_placeholder\":true,\"num\":0}}")]
    [InlineData("-request#/#", "{broken")]
    [InlineData("-response#/#", "\u00c1")]
    public async Task A_message_no_adapter_wrote_is_logged_and_ignored(string channel, string message)
    {
        var adapter = SwitchboardClusterServer.RedisAdapterOn(redis, _key);
        var here = await SwitchboardClusterServer.StartAsync("here", adapter);
        var there = await SwitchboardClusterServer.StartAsync("there", adapter);
        await using var cluster = await Cluster.StartAsync([here, there]);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 1);
        await using var intruder = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

        await intruder.GetSubscriber().PublishAsync(RedisChannel.Literal(_key + channel), message);

        var logged = await there.Server.Logs.WaitForAsync(e => e.EventId.Id == 303, HangGuard);
        Assert.Contains(_key + channel, logged.Message, StringComparison.Ordinal);
        await cluster.AskAsync("a", "broadcast", new { @event = "still-working" });
        await cluster.ExpectEventsAsync("b", "still-working");
    }

    [Fact]
    public async Task With_the_Streams_adapter_during_a_Redis_restart_local_delivery_continues_requests_fail_fast_and_the_stream_is_read_on_after()
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
