using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Redis;
using Switchboard.SocketIO;

namespace Switchboard.Hosting;

/// <summary>Adds the Redis Streams adapter to a Socket.IO server.</summary>
public static class RedisStreamsAdapterSocketIOBuilderExtensions
{
    /// <summary>
    /// Makes every namespace use a <see cref="RedisStreamsAdapter"/> on the Redis at <paramref name="configuration"/> (a
    /// StackExchange.Redis configuration string, such as <c>"127.0.0.1:6379"</c>), so that the servers sharing that
    /// Redis — Switchboard, or Node with @socket.io/redis-streams-adapter and the same settings — form one cluster, and
    /// connection state recovery works across them. Same as Node's <c>io.adapter(createAdapter(redisClient, opts))</c>.
    /// </summary>
    public static SocketIOBuilder AddRedisStreamsAdapter(this SocketIOBuilder builder, string configuration, Action<RedisStreamsAdapterOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisStreamsAdapter(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Makes every namespace use a <see cref="RedisStreamsAdapter"/> configured by <paramref name="configure"/>, which
    /// must set <see cref="RedisStreamsAdapterOptions.Configuration"/>. The server holds two connections to Redis for all
    /// its namespaces, one for commands and channels and one for the blocking stream reads, opened when the first
    /// namespace is created and closed with the application.
    /// </summary>
    public static SocketIOBuilder AddRedisStreamsAdapter(this SocketIOBuilder builder, Action<RedisStreamsAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisStreamsAdapterOptions>().Configure(configure);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<RedisStreamsAdapterOptions>>().Value;
            options.Validate();
            return new RedisConnection(options.Configuration, "RedisStreamsAdapterOptions.Configuration", Logger(services));
        });
        builder.Services.AddSingleton(services => new RedisStreamReader(services.GetRequiredService<IOptions<RedisStreamsAdapterOptions>>().Value, Logger(services)));
        builder.Services.AddOptions<SocketIOOptions>().Configure<IServiceProvider>((options, services) =>
            options.AdapterFactory = nsp => new RedisStreamsAdapter(
                nsp,
                services.GetRequiredService<RedisConnection>(),
                services.GetRequiredService<RedisStreamReader>(),
                services.GetRequiredService<IOptions<RedisStreamsAdapterOptions>>().Value,
                Logger(services)));
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger<RedisStreamsAdapter>();
}
