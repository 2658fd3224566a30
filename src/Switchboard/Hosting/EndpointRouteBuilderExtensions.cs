using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.EngineIO;
using Switchboard.SocketIO;

namespace Switchboard.Hosting;

/// <summary>Maps the Engine.IO and Socket.IO servers to URL paths.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves Socket.IO at <paramref name="path"/> (default <c>/socket.io</c>, where the official
    /// clients look) over long-polling and WebSocket, and returns the server to register handlers
    /// on. Requires <c>AddSocketIO</c>. When the application stops, every client is disconnected
    /// with <c>server shutting down</c>.
    /// </summary>
    public static SocketIOServer MapSocketIO(this IEndpointRouteBuilder endpoints, string path = "/socket.io")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var server = endpoints.ServiceProvider.GetService<SocketIOServer>()
            ?? throw new InvalidOperationException("Call services.AddSocketIO() before MapSocketIO().");
        Map(endpoints, path, server.HandleRequestAsync, "Socket.IO");
        CloseOnShutdown(endpoints, server.Close);
        return server;
    }

    /// <summary>
    /// Serves a bare Engine.IO server at <paramref name="path"/>, like Node's <c>engine.io</c>
    /// package: sessions with messages, no namespaces or events. Returns the server to handle
    /// <see cref="EngineServer.Connection"/> on. Its sessions are closed when the application stops.
    /// </summary>
    public static EngineServer MapEngineIO(this IEndpointRouteBuilder endpoints, string path = "/engine.io", EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<EngineServer>();
        var server = new EngineServer(options ?? new EngineOptions(), logger, endpoints.ServiceProvider.GetService<TimeProvider>());
        Map(endpoints, path, server.HandleRequestAsync, "Engine.IO");
        CloseOnShutdown(endpoints, server.CloseAll);
        return server;
    }

    /// <summary>
    /// Closes the server as the host begins to stop, before Kestrel waits for open connections,
    /// so clients hear of it instead of being cut off when the wait runs out.
    /// </summary>
    private static void CloseOnShutdown(IEndpointRouteBuilder endpoints, Action close) =>
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(close);

    private static void Map(IEndpointRouteBuilder endpoints, string path, RequestDelegate handler, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        WebSocketEndpoint.Map(endpoints, path.TrimEnd('/') + "/", handler, name);
    }
}
