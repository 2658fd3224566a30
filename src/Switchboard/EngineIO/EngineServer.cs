using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Net.Http.Headers;
using Switchboard.Connections;
using Switchboard.EngineIO.Packets;
using Switchboard.EngineIO.Transports;

namespace Switchboard.EngineIO;

/// <summary>
/// The Engine.IO v4 server: admits handshakes, keeps the open sessions and routes each HTTP
/// request or WebSocket to its session. Usable on its own, like Node's <c>engine.io</c> package,
/// through <c>MapEngineIO</c>; the Socket.IO server is built on it.
/// </summary>
public sealed class EngineServer
{
    private readonly ConcurrentDictionary<string, EngineSession> _sessions = new(StringComparer.Ordinal);
    private readonly CorsService? _cors;

    /// <summary>Creates a server with the given options.</summary>
    /// <exception cref="ArgumentException">A cookie or compression setting is malformed or out of range.</exception>
    public EngineServer(EngineOptions options, ILogger<EngineServer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie?.Validate();
        options.PerMessageDeflate?.Validate();
        options.HttpCompression?.Validate();
        Options = options;
        Logger = logger ?? NullLogger<EngineServer>.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        if (options.Cors is not null)
        {
            _cors = new CorsService(Microsoft.Extensions.Options.Options.Create(new CorsOptions()), NullLoggerFactory.Instance);
        }
    }

    /// <summary>Raised when a session opens, before any of its messages is delivered.</summary>
    public event Action<EngineSession>? Connection;

    /// <summary>The settings in force.</summary>
    public EngineOptions Options { get; }

    /// <summary>The number of open sessions. Same as Node's <c>clientsCount</c>.</summary>
    public int ClientsCount => _sessions.Count;

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Finds an open session by id.</summary>
    public EngineSession? GetSession(string sid) => _sessions.GetValueOrDefault(sid);

    /// <summary>Closes every session, after flushing what each has queued.</summary>
    public void CloseAll()
    {
        foreach (var session in _sessions.Values)
        {
            session.Close();
        }
    }

    /// <summary>Serves one Engine.IO request: a handshake, a poll, a POST, or a WebSocket.</summary>
    public async Task HandleRequestAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_cors is not null && ApplyCors(context))
        {
            return;
        }

        var transport = context.Request.Query["transport"].ToString();

        // Without the WebSocket transport the reference does not listen for upgrades, so Node's
        // HTTP server hands an upgrade request to it as a plain request.
        var isWebSocket = context.WebSockets.IsWebSocketRequest && (Options.Transports & EngineTransports.WebSocket) != 0;
        var error = Verify(context, transport, isWebSocket, out var session);
        if (error is null && session is null)
        {
            if (Options.AllowRequest is { } allow && !await allow(context).ConfigureAwait(false))
            {
                error = EngineErrorCode.Forbidden;
            }
            else if (context.Request.Query["EIO"] != "4")
            {
                error = EngineErrorCode.UnsupportedProtocolVersion;
            }
        }

        if (error is { } code)
        {
            await RejectAsync(context, code, isWebSocket).ConfigureAwait(false);
            return;
        }

        if (session is null)
        {
            await HandshakeAsync(context, isWebSocket).ConfigureAwait(false);
        }
        else if (isWebSocket)
        {
            await UpgradeAsync(context, session).ConfigureAwait(false);
        }
        else if (session.CurrentTransport is not PollingTransport polling)
        {
            await RejectAsync(context, EngineErrorCode.BadRequest, isWebSocket).ConfigureAwait(false);
        }
        else if (HttpMethods.IsGet(context.Request.Method))
        {
            await polling.HandleGetAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            await polling.HandlePostAsync(context).ConfigureAwait(false);
        }
        else
        {
            // The reference answers any other method on a valid session with a bare 500.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    internal void Remove(EngineSession session) => _sessions.TryRemove(new KeyValuePair<string, EngineSession>(session.Id, session));

    /// <summary>The reference server's checks, in its order; the first failure wins.</summary>
    private EngineErrorCode? Verify(HttpContext context, string transport, bool isWebSocket, out EngineSession? session)
    {
        session = null;
        var enabled = transport switch
        {
            "polling" => (Options.Transports & EngineTransports.Polling) != 0,
            "websocket" => (Options.Transports & EngineTransports.WebSocket) != 0,
            _ => false,
        };
        if (!enabled)
        {
            return EngineErrorCode.UnknownTransport;
        }

        var sid = context.Request.Query["sid"].ToString();
        if (sid.Length > 0)
        {
            if (!_sessions.TryGetValue(sid, out session))
            {
                return EngineErrorCode.UnknownSid;
            }

            if (!isWebSocket && session.Transport != transport)
            {
                return EngineErrorCode.BadRequest;
            }

            if (isWebSocket && !Options.AllowUpgrades)
            {
                return EngineErrorCode.BadRequest;
            }

            return context.Request.Query["EIO"] == "4" ? null : EngineErrorCode.BadRequest;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return EngineErrorCode.BadHandshakeMethod;
        }

        return transport == "websocket" && !isWebSocket ? EngineErrorCode.BadRequest : null;
    }

    private async Task HandshakeAsync(HttpContext context, bool isWebSocket)
    {
        var request = new EngineRequest(context);
        if (isWebSocket)
        {
            var accepted = await AcceptWebSocketAsync(context).ConfigureAwait(false);
            await accepted.ServeAsync((webSocket, sender) =>
            {
                var transport = new WebSocketTransport(webSocket, sender);
                return transport.RunAsync(Open(request, transport));
            }).ConfigureAwait(false);
        }
        else
        {
            var transport = new PollingTransport();
            var session = Open(request, transport);
            transport.Attach(session);
            if (Options.Cookie is { } cookie)
            {
                context.Response.Headers.Append(HeaderNames.SetCookie, cookie.Format(session.Id));
            }

            await transport.HandleGetAsync(context).ConfigureAwait(false);
        }
    }

    private EngineSession Open(EngineRequest request, EngineTransport transport)
    {
        var session = new EngineSession(this, request, transport);
        session.EnqueueOpenPacket(OpenPacket(session, transport));
        _sessions[session.Id] = session;
        session.Start();
        try
        {
            Connection?.Invoke(session);
        }
        catch (Exception e)
        {
            EngineLog.HandlerFailed(Logger, session.Id, e);
            session.Close();
        }

        return session;
    }

    private async Task UpgradeAsync(HttpContext context, EngineSession session)
    {
        if (!session.TryBeginUpgrade())
        {
            await RejectAsync(context, EngineErrorCode.BadRequest, isWebSocket: true).ConfigureAwait(false);
            return;
        }

        AcceptedWebSocket accepted;
        try
        {
            accepted = await AcceptWebSocketAsync(context).ConfigureAwait(false);
        }
        catch
        {
            session.CancelUpgrade(null);
            throw;
        }

        await accepted.ServeAsync((webSocket, sender) => new WebSocketTransport(webSocket, sender).RunUpgradeAsync(session)).ConfigureAwait(false);
    }

    /// <summary>Sends the 101, agreeing to permessage-deflate when it is enabled and the client offers it.</summary>
    private Task<AcceptedWebSocket> AcceptWebSocketAsync(HttpContext context)
    {
        var accept = new WebSocketAcceptContext();
        if (Options.PerMessageDeflate is { } deflate)
        {
            accept.DangerousEnableCompression = true;
            accept.DisableServerContextTakeover = deflate.ServerNoContextTakeover;
            accept.ServerMaxWindowBits = deflate.ServerMaxWindowBits;
        }

        return AcceptedWebSocket.AcceptAsync(context, accept);
    }

    /// <summary>
    /// The open packet, <c>0{"sid":…,"upgrades":[…],"pingInterval":…,"pingTimeout":…,"maxPayload":…}</c>, formatted
    /// straight into the packet's bytes: every connection gets one, and the sid (URL-safe base64) needs no escaping.
    /// </summary>
    private EnginePacket OpenPacket(EngineSession session, EngineTransport transport)
    {
        var upgrades = transport is PollingTransport && Options.AllowUpgrades && (Options.Transports & EngineTransports.WebSocket) != 0
            ? "\"websocket\""
            : string.Empty;
        Span<byte> json = stackalloc byte[256];
        if (!Utf8.TryWrite(
            json,
            CultureInfo.InvariantCulture,
            $"{{\"sid\":\"{session.Id}\",\"upgrades\":[{upgrades}],\"pingInterval\":{(long)Options.PingInterval.TotalMilliseconds},\"pingTimeout\":{(long)Options.PingTimeout.TotalMilliseconds},\"maxPayload\":{Options.MaxHttpBufferSize}}}",
            out var written))
        {
            throw new InvalidOperationException("The open packet does not fit its buffer.");
        }

        return EnginePacket.Text(EnginePacketType.Open, json[..written]);
    }

    /// <summary>
    /// Answers a rejected request as the reference does: JSON <c>{"code","message"}</c> with 400
    /// (403 for Forbidden) over HTTP; a plain-text 400 to a WebSocket upgrade request.
    /// </summary>
    private async Task RejectAsync(HttpContext context, EngineErrorCode code, bool isWebSocket)
    {
        var message = code switch
        {
            EngineErrorCode.UnknownTransport => "Transport unknown",
            EngineErrorCode.UnknownSid => "Session ID unknown",
            EngineErrorCode.BadHandshakeMethod => "Bad handshake method",
            EngineErrorCode.BadRequest => "Bad request",
            EngineErrorCode.Forbidden => "Forbidden",
            _ => "Unsupported protocol version",
        };
        EngineLog.RequestRejected(Logger, (int)code, message, context.Request.Method, context.Request.Path + context.Request.QueryString);
        var response = context.Response;
        if (isWebSocket)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/html";
            await response.WriteAsync(message).ConfigureAwait(false);
            return;
        }

        response.StatusCode = code == EngineErrorCode.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        response.ContentType = "application/json";
        await response.WriteAsync($$"""{"code":{{(int)code}},"message":"{{message}}"}""").ConfigureAwait(false);
    }

    /// <summary>Adds the CORS headers; true when the request was a preflight, now answered.</summary>
    private bool ApplyCors(HttpContext context)
    {
        var result = _cors!.EvaluatePolicy(context, Options.Cors!);
        _cors.ApplyResult(result, context.Response);
        if (!result.IsPreflightRequest)
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return true;
    }
}
