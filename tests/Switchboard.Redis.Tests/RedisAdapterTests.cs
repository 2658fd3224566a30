using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>The adapter specification for the Redis adapter, on a server alone on its Redis.</summary>
public sealed class RedisAdapterTests(RedisServer redis) : AdapterSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}", SwitchboardClusterServer.RedisAdapterOn(redis, Key));
}
