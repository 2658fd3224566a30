using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Switchboard.WebSockets;

namespace Switchboard.Hosting;

/// <summary>Maps Ratchet-style WebSocket components to URL paths; any number of them on one server.</summary>
public static class WebSocketComponentEndpointExtensions
{
    /// <summary>
    /// Serves <paramref name="component"/> to plain WebSocket clients at <paramref name="path"/>
    /// (<c>new WebSocket("ws://host/chat")</c> in a browser). Returns the <see cref="WsServer"/>.
    /// </summary>
    public static WsServer MapWebSocketComponent(this IEndpointRouteBuilder endpoints, string path, IMessageComponent component, Action<WebSocketComponentOptions>? configure = null)
    {
        var options = new WebSocketComponentOptions();
        configure?.Invoke(options);
        var server = new WsServer(component, options);
        endpoints.MapWebSocketComponent(path, server);
        return server;
    }

    /// <summary>
    /// Serves a composed pipeline (for example <c>new OriginCheck(new WsServer(chat), "https://example.com")</c>)
    /// at <paramref name="path"/>.
    /// </summary>
    public static IEndpointConventionBuilder MapWebSocketComponent(this IEndpointRouteBuilder endpoints, string path, IHttpComponent pipeline)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(pipeline);
        return WebSocketEndpoint.Map(endpoints, path, pipeline.HandleAsync, "WebSocket component " + path);
    }
}
