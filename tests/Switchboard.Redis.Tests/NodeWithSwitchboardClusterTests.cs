using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The scale-out specification for the mixed cluster, Node asking: server 0 is a Node socket.io 4.8 server with
/// @socket.io/redis-adapter 8.x, server 1 Switchboard with the Redis adapter, on the same Redis.
/// </summary>
public sealed class NodeWithSwitchboardClusterTests(RedisServer redis) : ScaleOutSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) => index == 0
        ? await ProcessClusterServer.StartNodeAsync("node", redis, Key)
        : await SwitchboardClusterServer.StartAsync("switchboard", SwitchboardClusterServer.RedisAdapterOn(redis, Key));
}
