using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The scale-out specification for the mixed Streams cluster, Switchboard asking: server 0 is Switchboard with the Redis
/// Streams adapter, server 1 a Node socket.io 4.8 server with @socket.io/redis-streams-adapter 0.3, on the same stream.
/// </summary>
public sealed class SwitchboardWithNodeStreamsClusterTests(RedisServer redis) : ScaleOutSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override bool RoomsAreShared => false;

    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) => index == 0
        ? await SwitchboardClusterServer.StartAsync("switchboard", SwitchboardClusterServer.RedisStreamsAdapterOn(redis, Key))
        : await ProcessClusterServer.StartNodeAsync("node", redis, Key, NodeAdapter.Streams);
}
