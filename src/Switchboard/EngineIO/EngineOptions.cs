using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Switchboard.EngineIO;

/// <summary>Engine.IO settings. Defaults match the Node reference server (engine.io 6.6).</summary>
public class EngineOptions
{
    /// <summary>How often the server pings the client. Reference default: 25 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server waits for a pong before it closes the session with <c>ping timeout</c>. Reference default: 20 s.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an upgrade from polling to WebSocket may take before the WebSocket is dropped. Reference default: 10 s.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest message, in bytes, accepted on any transport: a POST body over long-polling, a
    /// WebSocket message. Also sent to clients as <c>maxPayload</c>. Reference default: 1,000,000.
    /// </summary>
    public int MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>
    /// The transports clients may use. A request for another one is refused with 400 and
    /// Engine.IO error code 0 (Transport unknown); without WebSocket, an upgrade request is answered
    /// as plain HTTP, as the reference does. Reference default: polling and WebSocket.
    /// </summary>
    public EngineTransports Transports { get; set; } = EngineTransports.Polling | EngineTransports.WebSocket;

    /// <summary>Whether a polling session may upgrade to WebSocket. Reference default: true.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>
    /// Decides whether a handshake (over polling or WebSocket) is admitted; a refusal is answered
    /// with 403 and Engine.IO error code 4 (Forbidden) over HTTP, with a plain 400 to a WebSocket.
    /// As in the reference, requests on an open session, upgrades included, are not asked.
    /// Same as Node's <c>allowRequest</c>. Default: admit everyone.
    /// </summary>
    public Func<HttpContext, ValueTask<bool>>? AllowRequest { get; set; }

    /// <summary>
    /// The CORS policy applied to every Engine.IO request, preflight included. Null (the reference
    /// default) sends no CORS headers, so browsers allow only same-origin pages.
    /// </summary>
    public CorsPolicy? Cors { get; set; }

    /// <summary>
    /// The cookie that carries the session id on the handshake response, for cookie-based sticky
    /// sessions. Same as Node's <c>cookie</c> option. Reference default: null, no cookie.
    /// </summary>
    public EngineCookieOptions? Cookie { get; set; }

    /// <summary>
    /// WebSocket compression (permessage-deflate) for clients that offer it. Same as Node's
    /// <c>perMessageDeflate</c> option. Reference default: null, off.
    /// </summary>
    public EnginePerMessageDeflateOptions? PerMessageDeflate { get; set; }

    /// <summary>
    /// gzip/deflate compression of long-polling responses for clients that accept it; null turns it
    /// off. Same as Node's <c>httpCompression</c> option. Reference default: on, from 1024 bytes.
    /// </summary>
    public EngineHttpCompressionOptions? HttpCompression { get; set; } = new();

    /// <summary>
    /// How many packets (a binary packet and its attachments count as one) may wait for a slow
    /// client. Past this bound the client is disconnected with <c>transport error</c>, so a slow
    /// consumer never holds unbounded memory. The reference has no bound. Default: 4,096.
    /// </summary>
    public int MaxSendQueueLength { get; set; } = 4096;

    /// <summary>
    /// How long a closed polling session waits for the client's next poll to hand it the close
    /// packet. Reference default (polling <c>closeTimeout</c>): 30 s.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
