using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.SocketIO;

namespace Switchboard.Hosting;

/// <summary>Registers the Socket.IO server with dependency injection.</summary>
public static class SocketIOServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="SocketIOServer"/> singleton configured through the options pattern
    /// (<see cref="SocketIOOptions"/>); map it to a path with <c>MapSocketIO</c>. On application
    /// shutdown every client is disconnected with <c>server shutting down</c>.
    /// </summary>
    public static SocketIOBuilder AddSocketIO(this IServiceCollection services, Action<SocketIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SocketIOOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton(sp => new SocketIOServer(
            sp.GetRequiredService<IOptions<SocketIOOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.AddHostedService<SocketIOShutdown>();
        return new SocketIOBuilder(services);
    }

    /// <summary>
    /// Closes the server as the host begins to stop, before Kestrel waits for open connections,
    /// so clients hear of it instead of being cut off when the wait runs out.
    /// </summary>
    private sealed class SocketIOShutdown(IServiceProvider services) : IHostedLifecycleService
    {
        public Task StoppingAsync(CancellationToken cancellationToken)
        {
            services.GetService<SocketIOServer>()?.Close();
            return Task.CompletedTask;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
