using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Redis;
using Switchboard.SocketIO;

namespace Switchboard.Hosting;

/// <summary>Adds the Redis pub/sub adapter to a Socket.IO server.</summary>
public static class RedisAdapterSocketIOBuilderExtensions
{
    /// <summary>
    /// Makes every namespace use a <see cref="RedisAdapter"/> on the Redis at <paramref name="configuration"/> (a
    /// StackExchange.Redis configuration string, such as <c>"127.0.0.1:6379"</c>), so that the servers sharing that
    /// Redis — Switchboard, or Node with @socket.io/redis-adapter 8.x and the same key — form one cluster. Same as
    /// Node's <c>io.adapter(createAdapter(pubClient, subClient, opts))</c>.
    /// </summary>
    public static SocketIOBuilder AddRedisAdapter(this SocketIOBuilder builder, string configuration, Action<RedisAdapterOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisAdapter(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Makes every namespace use a <see cref="RedisAdapter"/> configured by <paramref name="configure"/>, which must set
    /// <see cref="RedisAdapterOptions.Configuration"/>. The server holds one connection to Redis for all its namespaces,
    /// opened when the first namespace is created and closed with the application.
    /// </summary>
    public static SocketIOBuilder AddRedisAdapter(this SocketIOBuilder builder, Action<RedisAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisAdapterOptions>().Configure(configure);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<RedisAdapterOptions>>().Value;
            options.Validate();
            return new RedisConnection(options.Configuration, "RedisAdapterOptions.Configuration", services.GetRequiredService<ILoggerFactory>().CreateLogger<RedisAdapter>());
        });
        builder.Services.AddOptions<SocketIOOptions>().Configure<IServiceProvider>((options, services) =>
            options.AdapterFactory = nsp => new RedisAdapter(
                nsp,
                services.GetRequiredService<RedisConnection>(),
                services.GetRequiredService<IOptions<RedisAdapterOptions>>().Value,
                services.GetRequiredService<ILoggerFactory>().CreateLogger<RedisAdapter>()));
        return builder;
    }
}
