namespace Switchboard.EngineIO;

/// <summary>
/// The error codes the reference server answers a rejected request with, as
/// <c>{"code":N,"message":"…"}</c> (HTTP 400, or 403 for <see cref="Forbidden"/>).
/// </summary>
public enum EngineErrorCode
{
    /// <summary>"Transport unknown": the transport query parameter is missing or not enabled.</summary>
    UnknownTransport = 0,

    /// <summary>"Session ID unknown": no open session has this sid.</summary>
    UnknownSid = 1,

    /// <summary>"Bad handshake method": a handshake that is not a GET.</summary>
    BadHandshakeMethod = 2,

    /// <summary>"Bad request": a request that does not fit the session's state.</summary>
    BadRequest = 3,

    /// <summary>"Forbidden": refused by <see cref="EngineOptions.AllowRequest"/>.</summary>
    Forbidden = 4,

    /// <summary>"Unsupported protocol version": EIO is not 4.</summary>
    UnsupportedProtocolVersion = 5,
}
