using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.WebSockets;

/// <summary>
/// Admits only requests whose <c>Origin</c> header is on an allow-list, so other web sites cannot
/// open WebSockets to the server from their pages; others get 403. Same as Ratchet's <c>OriginCheck</c>.
/// </summary>
public sealed class OriginCheck : IHttpComponent
{
    private readonly IHttpComponent _inner;
    private readonly HashSet<string> _allowed;

    /// <summary>Wraps <paramref name="inner"/>, admitting the given origins (e.g. <c>https://example.com</c>).</summary>
    public OriginCheck(IHttpComponent inner, params string[] allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        _inner = inner;
        _allowed = new HashSet<string>(allowedOrigins, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The admitted origins; may be changed while serving.</summary>
    public ISet<string> AllowedOrigins => _allowed;

    /// <inheritdoc/>
    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && _allowed.Contains(origin))
        {
            return _inner.HandleAsync(context);
        }

        var logger = context.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger<OriginCheck>() ?? (ILogger)NullLogger.Instance;
        WebSocketLog.Refused(logger, StatusCodes.Status403Forbidden, nameof(OriginCheck), context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString());
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
