using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.SocketIO;

namespace Switchboard.Hosting;

/// <summary>Registers the Socket.IO server with dependency injection.</summary>
public static class SocketIOServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="SocketIOServer"/> singleton configured through the options pattern
    /// (<see cref="SocketIOOptions"/>); map it to a path with <c>MapSocketIO</c>.
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
        return new SocketIOBuilder(services);
    }
}
