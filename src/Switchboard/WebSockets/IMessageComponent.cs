namespace Switchboard.WebSockets;

/// <summary>
/// An application served to plain WebSocket clients, shaped like Ratchet's
/// <c>MessageComponentInterface</c>. Calls for one connection never overlap: a message is handled
/// after the previous one's task completes.
/// </summary>
public interface IMessageComponent
{
    /// <summary>A client connected.</summary>
    Task OnOpenAsync(IConnection connection);

    /// <summary>A complete message arrived (fragments are reassembled first).</summary>
    Task OnMessageAsync(IConnection from, WebSocketMessage message);

    /// <summary>The connection closed, for whatever reason; called once, after <see cref="OnOpenAsync"/>.</summary>
    Task OnCloseAsync(IConnection connection);

    /// <summary>
    /// Another handler of this component threw. If this throws too, the connection is closed with
    /// 1011 (internal error); the server keeps serving everyone else.
    /// </summary>
    Task OnErrorAsync(IConnection connection, Exception exception);
}
