using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Switchboard.Hosting;

/// <summary>Maps a handler that accepts WebSockets itself, with the WebSocket middleware in front of it only.</summary>
internal static class WebSocketEndpoint
{
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pattern, RequestDelegate handler, string displayName)
    {
        // Each server runs its own heartbeat, so the middleware's keep-alive pings are off.
        var pipeline = endpoints.CreateApplicationBuilder()
            .UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero })
            .Use(_ => handler)
            .Build();
        return endpoints.Map(pattern, pipeline).WithDisplayName(displayName);
    }
}
