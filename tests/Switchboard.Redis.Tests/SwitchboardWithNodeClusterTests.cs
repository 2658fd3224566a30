using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The scale-out specification for the mixed cluster, Switchboard asking: server 0 is Switchboard with the Redis adapter,
/// server 1 a Node socket.io 4.8 server with @socket.io/redis-adapter 8.x, on the same Redis.
/// </summary>
public sealed class SwitchboardWithNodeClusterTests(RedisServer redis) : ScaleOutSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) => index == 0
        ? await SwitchboardClusterServer.StartAsync("switchboard", SwitchboardClusterServer.RedisAdapterOn(redis, Key))
        : await ProcessClusterServer.StartNodeAsync("node", redis, Key);
}
