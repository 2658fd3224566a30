using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.WebSockets;

/// <summary>
/// Refuses requests from blocked IP addresses with 403 before any WebSocket is opened. Addresses
/// can be blocked and unblocked while serving. Same role as Ratchet's <c>IpBlackList</c>.
/// </summary>
public sealed class IpBlockList(IHttpComponent inner) : IHttpComponent
{
    private readonly ConcurrentDictionary<IPAddress, bool> _blocked = new();

    /// <summary>The blocked addresses.</summary>
    public ICollection<IPAddress> Blocked => _blocked.Keys;

    /// <summary>Blocks an address (IPv4 addresses also match their IPv6-mapped form).</summary>
    public IpBlockList Block(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _blocked[Normalize(address)] = true;
        return this;
    }

    /// <summary>Unblocks an address.</summary>
    public IpBlockList Unblock(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _blocked.TryRemove(Normalize(address), out _);
        return this;
    }

    /// <summary>True if requests from <paramref name="address"/> are refused.</summary>
    public bool IsBlocked(IPAddress? address) => address is not null && _blocked.ContainsKey(Normalize(address));

    /// <inheritdoc/>
    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (!IsBlocked(address))
        {
            return inner.HandleAsync(context);
        }

        var logger = context.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger<IpBlockList>() ?? (ILogger)NullLogger.Instance;
        WebSocketLog.Refused(logger, StatusCodes.Status403Forbidden, nameof(IpBlockList), context.Request.Method, context.Request.Path, address?.ToString());
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
