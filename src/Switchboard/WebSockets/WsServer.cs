using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.WebSockets;

/// <summary>
/// Turns upgrade requests into WebSocket connections served by a component: the core of a
/// Ratchet-style pipeline (<c>new WsServer(new Chat())</c>). Negotiates the sub-protocol, keeps
/// the heartbeat, and gives each connection a server-unique <see cref="IConnection.Id"/>.
/// </summary>
public sealed class WsServer : IHttpComponent
{
    private readonly IMessageComponent _component;
    private long _lastId;
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

        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = ChooseSubProtocol(context.WebSockets.WebSocketRequestedProtocols),
            KeepAliveInterval = Options.KeepAliveInterval,
            KeepAliveTimeout = Options.KeepAliveInterval > TimeSpan.Zero ? Options.KeepAliveTimeout : Timeout.InfiniteTimeSpan,
        }).ConfigureAwait(false);
        using (socket)
        {
            var connection = new WebSocketConnection(Interlocked.Increment(ref _lastId), socket, context, Options, logger);
            await connection.RunAsync(_component).ConfigureAwait(false);
        }
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
