using Microsoft.AspNetCore.Http;

namespace Switchboard.WebSockets;

/// <summary>
/// One stage of a Ratchet-style pipeline that sees the HTTP request before (and instead of) the
/// WebSocket: <see cref="WsServer"/> at the core, decorators such as <see cref="OriginCheck"/> and
/// <see cref="IpBlockList"/> around it. Same role as Ratchet's <c>HttpServerInterface</c>.
/// </summary>
public interface IHttpComponent
{
    /// <summary>Handles one request: refuses it, or passes it inwards.</summary>
    Task HandleAsync(HttpContext context);
}
