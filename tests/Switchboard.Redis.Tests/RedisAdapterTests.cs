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

    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}", SwitchboardClusterServer.RedisAdapterOn(redis, Key));
}
