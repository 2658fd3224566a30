using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Switchboard.Connections;

/// <summary>
/// Takes a WebSocket over from ASP.NET Core once its upgrade request has ended. A Kestrel
/// connection middleware puts one in every connection's features and shows Kestrel's HTTP layer a
/// <see cref="DetachablePipe"/>; the request runs the whole ASP.NET Core pipeline (authentication,
/// CORS, routing, the endpoint's checks), the endpoint answers 101 through it, and then the HTTP
/// layer is cut off (from the pipes, and from the heartbeat that checks its timeouts) and finishes
/// the request. What it held for the request (the HTTP/1.1 parser state, the HttpContext, its
/// headers and features) is freed, and the WebSocket runs over the connection's own pipes for as
/// long as it lives.
/// </summary>
internal sealed class WebSocketHandoff
{
    private readonly DetachablePipe _pipe;
    private readonly DetachableHeartbeat? _heartbeat;
    private readonly bool _belowTls;
    private WebSocketCreationOptions? _options;
    private Func<WebSocket, MessageSender, Task>? _serve;

    private WebSocketHandoff(DetachablePipe pipe, DetachableHeartbeat? heartbeat, bool belowTls)
    {
        _pipe = pipe;
        _heartbeat = heartbeat;
        _belowTls = belowTls;
    }

    /// <summary>The connection middleware: offers a hand-off to each request, then serves the WebSocket one of them took.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(ILogger logger) => next => connection => RunAsync(connection, next, logger);

    /// <summary>
    /// Whether this request's WebSocket can leave the request: an HTTP/1.1 upgrade, the first on
    /// this connection, without permessage-deflate (which stays with ASP.NET Core's negotiation),
    /// and, over TLS, only when this middleware sits inside the TLS layer and so sees plain bytes.
    /// </summary>
    public bool CanTake(HttpContext context, WebSocketAcceptContext accept) =>
        _options is null
        && !accept.DangerousEnableCompression
        && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        && (_belowTls || context.Features.Get<ITlsConnectionFeature>() is null);

    /// <summary>Answers 101 through the request, then detaches the HTTP layer from the connection.</summary>
    public async Task SwitchProtocolsAsync(HttpContext context, WebSocketAcceptContext accept)
    {
        var headers = context.Response.Headers;
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
        if (accept.SubProtocol is { } subProtocol)
        {
            headers.SecWebSocketProtocol = subProtocol;
        }

        await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
        _pipe.Detach();
        _heartbeat?.Detach();
        _options = new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = accept.SubProtocol,
            KeepAliveInterval = accept.KeepAliveInterval ?? TimeSpan.Zero,
            KeepAliveTimeout = accept.KeepAliveTimeout ?? Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Runs <paramref name="serve"/> with the WebSocket once the request has ended.</summary>
    public void Serve(Func<WebSocket, MessageSender, Task> serve) => _serve = serve;

    private static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next, ILogger logger)
    {
        var transport = connection.Transport;
        if (await OfferAsync(connection, next).ConfigureAwait(false) is not var (options, serve))
        {
            return;
        }

        ConnectionLog.HandedOff(logger, connection.ConnectionId);
        var stream = new PipeStream(transport);
        var socket = WebSocket.CreateFromStream(stream, options);
        try
        {
            await serve(socket, new MessageSender(socket, stream)).ConfigureAwait(false);
        }
        finally
        {
            // Kestrel sends what is written before it closes; a peer that takes nothing, or never
            // answered a close, is cut off after a moment instead of holding the connection.
            if (socket.State != WebSocketState.Closed)
            {
                _ = DrainBeforeAbort.AbortLaterAsync(connection.Abort);
            }

            socket.Dispose();
        }
    }

    /// <summary>
    /// Runs Kestrel's HTTP layer over the connection with a hand-off on offer; returns what a request
    /// that took it left to serve. The hand-off itself is dropped here, so an idle WebSocket does not keep it.
    /// </summary>
    private static async Task<(WebSocketCreationOptions, Func<WebSocket, MessageSender, Task>)?> OfferAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        var heartbeat = connection.Features.Get<IConnectionHeartbeatFeature>();
        var timeouts = connection.Features.Get<IConnectionTimeoutFeature>();
        var handoff = new WebSocketHandoff(
            new DetachablePipe(transport),
            heartbeat is null ? null : new DetachableHeartbeat(heartbeat),
            connection.Features.Get<ITlsConnectionFeature>() is not null);
        connection.Transport = handoff._pipe;
        connection.Features.Set(handoff);
        connection.Features.Set<IConnectionHeartbeatFeature>(handoff._heartbeat);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Features.Set<WebSocketHandoff>(null);
            connection.Features.Set(heartbeat);
            connection.Features.Set(timeouts);
            connection.Transport = transport;
        }

        // A 101 whose endpoint failed before it could serve: the connection just closes.
        return handoff is { _options: { } options, _serve: { } serve } ? (options, serve) : null;
    }

    /// <summary>Sec-WebSocket-Accept (RFC 6455 section 4.2.2): base64 of the SHA-1 of the key and the protocol's GUID.</summary>
    private static string AcceptKey(string key)
    {
        var guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

        // A valid key is 24 characters and fits on the stack.
        var length = key.Length + guid.Length;
        Span<byte> input = length <= 128 ? stackalloc byte[128] : new byte[length];
        var written = Encoding.ASCII.GetBytes(key, input);
        guid.CopyTo(input[written..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..(written + guid.Length)], hash);
        return Convert.ToBase64String(hash);
    }
}
