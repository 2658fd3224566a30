using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>The scale-out specification for two Switchboard servers in this process, each with its own Kestrel and Redis Streams adapter.</summary>
public sealed class RedisStreamsClusterTests(RedisServer redis) : ScaleOutSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override bool RoomsAreShared => false;

    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) =>
        await SwitchboardClusterServer.StartAsync($"switchboard-{index}", SwitchboardClusterServer.RedisStreamsAdapterOn(redis, Key));
}
