using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Switchboard.WebSockets;

/// <summary>One plain WebSocket client, as a component sees it. Same role as Ratchet's <c>ConnectionInterface</c>.</summary>
public interface IConnection
{
    /// <summary>
    /// A number unique among this process's connections, whichever component serves them, like
    /// Ratchet's <c>resourceId</c>; later connections get larger numbers.
    /// </summary>
    long Id { get; }

    /// <summary>The client's IP address, if known.</summary>
    IPAddress? RemoteAddress { get; }

    /// <summary>The upgrade request: path, headers, query and cookies, as copied when the connection was accepted.</summary>
    HttpRequest Request { get; }

    /// <summary>The user ASP.NET Core authentication established for the upgrade request.</summary>
    ClaimsPrincipal User { get; }

    /// <summary>The sub-protocol agreed with the client, or null.</summary>
    string? SubProtocol { get; }

    /// <summary>Per-connection storage for the application; released with the connection.</summary>
    IDictionary<object, object?> Items { get; }

    /// <summary>True until the connection starts closing.</summary>
    bool IsOpen { get; }

    /// <summary>Queues a text message.</summary>
    /// <returns>False when the connection is closing, or when its send queue was full (it is then closed with 1008).</returns>
    bool Send(string text);

    /// <summary>
    /// Queues a message whose bytes are already encoded; the memory is sent as is, not copied,
    /// so one buffer can serve many recipients. Do not change it afterwards.
    /// </summary>
    /// <returns>False when the connection is closing, or when its send queue was full (it is then closed with 1008).</returns>
    bool Send(ReadOnlyMemory<byte> data, WebSocketMessageType type);

    /// <summary>Queues a text message; the task completes when it is queued.</summary>
    Task SendAsync(string text);

    /// <summary>Queues a binary message; the task completes when it is queued.</summary>
    Task SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Sends what is queued, then closes with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    Task CloseAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string? reason = null);
}
