using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Switchboard.WebSockets;

internal static partial class WebSocketLog
{
    [LoggerMessage(201, LogLevel.Debug, "WebSocket connection {Id} opened from {Address}")]
    public static partial void Opened(ILogger logger, long id, string? address);

    [LoggerMessage(202, LogLevel.Debug, "WebSocket connection {Id} closed")]
    public static partial void Closed(ILogger logger, long id);

    [LoggerMessage(203, LogLevel.Information, "WebSocket connection {Id}: message over {Limit} bytes; closing with 1009")]
    public static partial void MessageTooBig(ILogger logger, long id, int limit);

    [LoggerMessage(204, LogLevel.Information, "WebSocket connection {Id}: {Error}; the connection is closed")]
    public static partial void ProtocolError(ILogger logger, long id, WebSocketError error, Exception exception);

    [LoggerMessage(205, LogLevel.Warning, "WebSocket connection {Id}: send queue full ({Length} messages); closing the slow client with 1008")]
    public static partial void SendQueueFull(ILogger logger, long id, int length);

    [LoggerMessage(206, LogLevel.Error, "WebSocket connection {Id}: OnErrorAsync threw; closing with 1011")]
    public static partial void ErrorHandlerFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(207, LogLevel.Error, "WebSocket connection {Id}: OnCloseAsync threw")]
    public static partial void CloseHandlerFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(208, LogLevel.Information, "Request refused with {Status} by {Stage}: {Method} {Path} from {Address}")]
    public static partial void Refused(ILogger logger, int status, string stage, string method, string path, string? address);
}
