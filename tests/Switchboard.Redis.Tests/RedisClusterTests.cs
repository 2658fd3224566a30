using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>The scale-out specification for two Switchboard servers in this process, each with its own Kestrel and Redis adapter.</summary>
public sealed class RedisClusterTests(RedisServer redis) : ScaleOutSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}", SwitchboardClusterServer.RedisAdapterOn(redis, Key));
}
