using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Connections;

namespace Switchboard.WebSockets;

/// <summary>
/// Turns upgrade requests into WebSocket connections served by a component: the core of a
/// Ratchet-style pipeline (<c>new WsServer(new Chat())</c>). Negotiates the sub-protocol, keeps
/// the heartbeat, and gives each connection a server-unique <see cref="IConnection.Id"/>. When the
/// host stops, open connections are closed with 1001 (going away).
/// </summary>
public sealed class WsServer : IHttpComponent
{
    // Shared by every WsServer, so components mapped side by side on one host never hand out the
    // same id (Ratchet's resourceId is unique per process too).
    private static long s_lastId;

    private readonly IMessageComponent _component;
    private ILogger? _logger;

    /// <summary>Serves <paramref name="component"/> with the given options (defaults when null).</summary>
    public WsServer(IMessageComponent component, WebSocketComponentOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        _component = component;
        Options = options ?? new WebSocketComponentOptions();
        _logger = logger;
    }

    /// <summary>The settings in force.</summary>
    public WebSocketComponentOptions Options { get; }

    /// <summary>Accepts the WebSocket and serves it until it closes; a plain HTTP request gets 426 Upgrade Required.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = _logger ??= context.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger<WsServer>() ?? NullLogger<WsServer>.Instance;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            return;
        }

        if (context.Features.Get<IHttpRequestLifetimeFeature>() is { } lifetime)
        {
            context.Features.Set<IHttpRequestLifetimeFeature>(new DrainBeforeAbort(lifetime));
        }

        var accepted = await AcceptedWebSocket.AcceptAsync(context, new WebSocketAcceptContext
        {
            SubProtocol = ChooseSubProtocol(context.WebSockets.WebSocketRequestedProtocols),
            KeepAliveInterval = Options.KeepAliveInterval,
            KeepAliveTimeout = Options.KeepAliveInterval > TimeSpan.Zero ? Options.KeepAliveTimeout : Timeout.InfiniteTimeSpan,
        }).ConfigureAwait(false);
        var request = new RequestCopy(context);

        // The host waits for every request to end before it stops; a WebSocket ends only when
        // closed, so tell clients the server is going away rather than be cut off at the timeout.
        var stopping = context.RequestServices?.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        await accepted.ServeAsync(async (socket, sender) =>
        {
            var connection = new WebSocketConnection(Interlocked.Increment(ref s_lastId), socket, sender, request, Options, logger);
            using var registration = stopping.Register(static c => ((IConnection)c!).CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down"), connection);
            await connection.RunAsync(_component).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private string? ChooseSubProtocol(IList<string> requested)
    {
        foreach (var supported in Options.SubProtocols)
        {
            foreach (var offered in requested)
            {
                if (string.Equals(offered, supported, StringComparison.Ordinal))
                {
                    return supported;
                }
            }
        }

        return null;
    }
}
