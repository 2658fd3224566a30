using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The scale-out specification for the mixed Streams cluster, Node asking: server 0 is a Node socket.io 4.8 server with
/// @socket.io/redis-streams-adapter 0.3, server 1 Switchboard with the Redis Streams adapter, on the same stream.
/// </summary>
public sealed class NodeWithSwitchboardStreamsClusterTests(RedisServer redis) : ScaleOutSpecification, IClassFixture<RedisServer>
{
    /// <inheritdoc/>
    protected override bool RoomsAreShared => false;

    /// <inheritdoc/>
    protected override async Task<IClusterServer> StartServerAsync(int index) => index == 0
        ? await ProcessClusterServer.StartNodeAsync("node", redis, Key, NodeAdapter.Streams)
        : await SwitchboardClusterServer.StartAsync("switchboard", SwitchboardClusterServer.RedisStreamsAdapterOn(redis, Key));
}
