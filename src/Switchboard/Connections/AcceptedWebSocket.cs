using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Connections;

/// <summary>
/// A WebSocket upgrade the server has agreed to (the 101 is sent). It is served inside its
/// request by ASP.NET Core's WebSocket, or, where the listener has the hand-off
/// (<c>UseWebSocketHandoff</c>), at the connection level after the request has ended, so nothing
/// served through it may keep the <see cref="HttpContext"/>.
/// </summary>
internal sealed class AcceptedWebSocket
{
    private readonly WebSocket? _socket;
    private readonly WebSocketHandoff? _handoff;

    private AcceptedWebSocket(WebSocket? socket, WebSocketHandoff? handoff)
    {
        _socket = socket;
        _handoff = handoff;
    }

    /// <summary>Sends the 101 for a request that <c>IsWebSocketRequest</c> has validated.</summary>
    public static async Task<AcceptedWebSocket> AcceptAsync(HttpContext context, WebSocketAcceptContext accept)
    {
        if (context.Features.Get<WebSocketHandoff>() is { } handoff && handoff.CanTake(context, accept))
        {
            await handoff.SwitchProtocolsAsync(context, accept).ConfigureAwait(false);
            return new AcceptedWebSocket(null, handoff);
        }

        return new AcceptedWebSocket(await context.WebSockets.AcceptWebSocketAsync(accept).ConfigureAwait(false), null);
    }

    /// <summary>
    /// Serves the WebSocket with <paramref name="serve"/>, which owns it until its task ends and
    /// sends through the <see cref="MessageSender"/> it is given. In the request, the returned task
    /// is that one; after a hand-off it completes at once, and serving starts when the request has ended.
    /// </summary>
    public Task ServeAsync(Func<WebSocket, MessageSender, Task> serve)
    {
        if (_handoff is not null)
        {
            _handoff.Serve(serve);
            return Task.CompletedTask;
        }

        return ServeInRequestAsync(_socket!, serve);
    }

    private static async Task ServeInRequestAsync(WebSocket socket, Func<WebSocket, MessageSender, Task> serve)
    {
        using (socket)
        {
            await serve(socket, new MessageSender(socket, null)).ConfigureAwait(false);
        }
    }
}
