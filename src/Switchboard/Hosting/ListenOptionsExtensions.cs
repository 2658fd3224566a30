using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Connections;

namespace Switchboard.Hosting;

/// <summary>Kestrel listener settings for Switchboard.</summary>
public static class ListenOptionsExtensions
{
    /// <summary>
    /// Lets the WebSockets that Switchboard accepts on this listener (Socket.IO, Engine.IO and
    /// WebSocket components) leave ASP.NET Core's request pipeline once their upgrade is answered.
    /// The upgrade request still runs the whole pipeline (authentication, CORS, routing, your
    /// middleware) and is then ended, which frees what ASP.NET Core holds for a request, about
    /// 6.6 KB per connection, for as long as the WebSocket lives. The price: middleware that
    /// wraps the endpoint sees the request end at the 101, not when the WebSocket closes, and
    /// Kestrel's <c>MaxConcurrentUpgradedConnections</c> no longer counts these connections.
    /// WebSockets that negotiate permessage-deflate, arrive over HTTP/2, or come over TLS while
    /// this listener adds the hand-off before <c>UseHttps</c>, stay in their request as usual.
    /// <code>builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.UseWebSocketHandoff()));</code>
    /// </summary>
    public static ListenOptions UseWebSocketHandoff(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var logger = listenOptions.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger<WebSocketHandoff>() ?? (ILogger)NullLogger.Instance;
        listenOptions.Use(WebSocketHandoff.Middleware(logger));
        return listenOptions;
    }
}
