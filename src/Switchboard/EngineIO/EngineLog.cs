using Microsoft.Extensions.Logging;

namespace Switchboard.EngineIO;

internal static partial class EngineLog
{
    [LoggerMessage(1, LogLevel.Debug, "Session {Sid} opened over {Transport}")]
    public static partial void SessionOpened(ILogger logger, string sid, string transport);

    [LoggerMessage(2, LogLevel.Debug, "Session {Sid} closed: {Reason}")]
    public static partial void SessionClosed(ILogger logger, string sid, string reason);

    [LoggerMessage(3, LogLevel.Information, "Request rejected with code {Code} ({Message}): {Method} {Url}")]
    public static partial void RequestRejected(ILogger logger, int code, string message, string method, string url);

    [LoggerMessage(4, LogLevel.Information, "Session {Sid}: protocol violation, {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string sid, string detail);

    [LoggerMessage(5, LogLevel.Debug, "Session {Sid} upgraded to websocket")]
    public static partial void Upgraded(ILogger logger, string sid);

    [LoggerMessage(6, LogLevel.Information, "Session {Sid}: upgrade failed, {Detail}")]
    public static partial void UpgradeFailed(ILogger logger, string sid, string detail);

    [LoggerMessage(7, LogLevel.Warning, "Session {Sid}: send queue full ({Length} packets); closing the slow client")]
    public static partial void SendQueueFull(ILogger logger, string sid, int length);

    [LoggerMessage(8, LogLevel.Error, "Session {Sid}: a message or close handler threw")]
    public static partial void HandlerFailed(ILogger logger, string sid, Exception exception);

    [LoggerMessage(9, LogLevel.Debug, "Session {Sid}: transport failed")]
    public static partial void TransportFailed(ILogger logger, string sid, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Session {Sid}: polling {Method} accepted")]
    public static partial void PollAccepted(ILogger logger, string sid, string method);
}
