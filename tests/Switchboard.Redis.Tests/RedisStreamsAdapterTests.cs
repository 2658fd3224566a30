using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>The adapter specification for the Redis Streams adapter, on a server alone on its Redis.</summary>
public sealed class RedisStreamsAdapterTests(RedisServer redis) : AdapterSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}", SwitchboardClusterServer.RedisStreamsAdapterOn(redis, Key));
}
