using Microsoft.AspNetCore.Http;

namespace Switchboard.WebSockets;

/// <summary>
/// The HTTP stage of a Ratchet-style pipeline (<c>new HttpServer(new WsServer(app))</c>): Kestrel
/// parses the request; this stage admits only GET, the one method a WebSocket upgrade uses, and
/// answers anything else with 405.
/// </summary>
public sealed class HttpServer(IHttpComponent inner) : IHttpComponent
{
    /// <inheritdoc/>
    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HttpMethods.IsGet(context.Request.Method))
        {
            return inner.HandleAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = "GET";
        return Task.CompletedTask;
    }
}
