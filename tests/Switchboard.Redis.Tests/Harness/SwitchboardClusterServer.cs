using Switchboard.Hosting;
using Switchboard.SocketIO;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>A Switchboard server of a test cluster: its own Kestrel on 127.0.0.1 and its own adapter.</summary>
public sealed class SwitchboardClusterServer : IClusterServer
{
    private SwitchboardClusterServer(string name, TestServer server)
    {
        Name = name;
        Server = server;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public Uri Url => Server.Url;

    /// <summary>The server itself, for its logs and its API.</summary>
    public TestServer Server { get; }

    /// <summary>The main namespace's adapter.</summary>
    public SocketIO.Adapters.Adapter Adapter => Server.Io.Sockets.Adapter;

    /// <summary>The main namespace's Redis adapter.</summary>
    public RedisAdapter RedisAdapter => (RedisAdapter)Adapter;

    /// <summary>
    /// Starts a server with the in-memory adapter (<paramref name="adapter"/> null) or the one <paramref name="adapter"/>
    /// adds; with a Redis adapter, returns once it listens on Redis unless <paramref name="listening"/> is false.
    /// <paramref name="configure"/> adjusts the Socket.IO options (connection state recovery).
    /// </summary>
    public static async Task<SwitchboardClusterServer> StartAsync(
        string name, Action<SocketIOBuilder>? adapter = null, bool listening = true, Action<SocketIOOptions>? configure = null)
    {
        var server = await TestServer.StartAsync(configure, setup: io => ClusterApp.Register(io, name), extend: adapter);
        if (listening)
        {
            foreach (var nsp in new[] { server.Io.Sockets, server.Io.Of("/admin") })
            {
                await (nsp.Adapter switch
                {
                    RedisAdapter redis => redis.Listening,
                    RedisStreamsAdapter streams => streams.Listening,
                    _ => Task.CompletedTask,
                }).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }

        return new SwitchboardClusterServer(name, server);
    }

    /// <summary>A Redis adapter on <paramref name="redis"/> with channel key <paramref name="key"/>.</summary>
    public static Action<SocketIOBuilder> RedisAdapterOn(RedisServer redis, string key, Action<RedisAdapterOptions>? configure = null) =>
        builder => builder.AddRedisAdapter(redis.Configuration, options =>
        {
            options.Key = key;
            configure?.Invoke(options);
        });

    /// <summary>
    /// A Redis Streams adapter on <paramref name="redis"/> whose stream, channels and session keys are named after
    /// <paramref name="key"/>, as <see cref="ProcessClusterServer"/> names its adapter's.
    /// </summary>
    public static Action<SocketIOBuilder> RedisStreamsAdapterOn(RedisServer redis, string key) =>
        builder => builder.AddRedisStreamsAdapter(redis.Configuration, options =>
        {
            options.StreamName = key;
            options.ChannelPrefix = key;
            options.SessionKeyPrefix = key + ":session:";
        });

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
