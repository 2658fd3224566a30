using Microsoft.AspNetCore.Http;

namespace Switchboard.WebSockets;

/// <summary>
/// A copy of what a component may read of the upgrade request after it has ended: the request
/// line, headers, the client's address and the authenticated user. ASP.NET Core recycles the
/// original <see cref="HttpContext"/> when the request ends, and a handed-off WebSocket outlives it.
/// </summary>
internal static class UpgradeRequestCopy
{
    public static HttpContext Of(HttpContext context)
    {
        var copy = new DefaultHttpContext { User = context.User };
        var from = context.Request;
        var to = copy.Request;
        to.Method = from.Method;
        to.Scheme = from.Scheme;
        to.Protocol = from.Protocol;
        to.Host = from.Host;
        to.PathBase = from.PathBase;
        to.Path = from.Path;
        to.QueryString = from.QueryString;
        foreach (var header in from.Headers)
        {
            to.Headers[header.Key] = header.Value;
        }

        copy.Connection.RemoteIpAddress = context.Connection.RemoteIpAddress;
        copy.Connection.RemotePort = context.Connection.RemotePort;
        copy.Connection.LocalIpAddress = context.Connection.LocalIpAddress;
        copy.Connection.LocalPort = context.Connection.LocalPort;
        return copy;
    }
}
