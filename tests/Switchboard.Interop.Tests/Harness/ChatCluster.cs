using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Chat servers in their own processes started with <c>Chat:Redis</c> (the <c>--redis</c> option) on a redis-server of
/// their own, each returned once it listens on Redis, so that what happens on one reaches the others.
/// </summary>
internal sealed class ChatCluster : IAsyncDisposable
{
    private readonly List<ChatProcess> _servers = [];

    private ChatCluster(RedisServer redis) => Redis = redis;

    /// <summary>The Redis the servers share.</summary>
    public RedisServer Redis { get; }

    /// <summary>The chat servers, in the order they started.</summary>
    public IReadOnlyList<ChatProcess> Servers => _servers;

    /// <summary>Starts Redis on a free port, then <paramref name="servers"/> chat servers on it.</summary>
    public static async Task<ChatCluster> StartAsync(int servers)
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        var cluster = new ChatCluster(redis);
        try
        {
            for (var i = 0; i < servers; i++)
            {
                var server = await ChatProcess.StartAsync(null, ("Chat:Redis", redis.Configuration));
                cluster._servers.Add(server);
                await server.WaitForLineAsync("this server is one of the cluster");
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the servers, then Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}
