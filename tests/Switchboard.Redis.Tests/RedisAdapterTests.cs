using System.Text;
using StackExchange.Redis;
using Switchboard.Hosting;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>The adapter specification for the Redis adapter, on a server alone on its Redis; and its configuration.</summary>
public sealed class RedisAdapterTests(RedisServer redis) : AdapterSpecification, IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_server_without_a_Redis_configuration_does_not_start_and_says_what_is_missing()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SwitchboardClusterServer.StartAsync("unconfigured", builder => builder.AddRedisAdapter(_ => { })));

        Assert.Contains("RedisAdapterOptions.Configuration is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_in_the_forms_of_older_Node_adapters_are_answered()
    {
        await using var cluster = await StartClusterAsync(1);
        var id = await cluster.ConnectAsync("a", 0);
        await cluster.AskAsync("a", "join", "room");
        await using var spy = await ChannelSpy.StartAsync(redis, Key);
        await using var older = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var requests = RedisChannel.Literal(Key + "-request#/#");

        // allSockets() of adapters before 8.x, then a join of one socket by id.
        await older.GetSubscriber().PublishAsync(requests, $$"""{"uid":"older","requestId":"r1","type":0,"rooms":["room"]}""");
        await older.GetSubscriber().PublishAsync(requests, $$"""{"uid":"older","requestId":"r2","type":2,"sid":"{{id}}","room":"joined"}""");

        Assert.Equal($$"""{"requestId":"r1","sockets":["{{id}}"]}""", Encoding.UTF8.GetString((await spy.NextAsync(IsResponse)).Bytes));
        Assert.Equal("""{"requestId":"r2"}""", Encoding.UTF8.GetString((await spy.NextAsync(IsResponse)).Bytes));
        Assert.Equal([id], await FetchIdsAsync(cluster, "a", "joined"));
    }

    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}", SwitchboardClusterServer.RedisAdapterOn(redis, Key));

    private bool IsResponse(string channel) => channel == Key + "-response#/#";
}
