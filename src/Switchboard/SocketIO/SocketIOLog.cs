using Microsoft.Extensions.Logging;

namespace Switchboard.SocketIO;

internal static partial class SocketIOLog
{
    [LoggerMessage(101, LogLevel.Debug, "Socket {SocketId} connected to {Namespace} (session {Sid})")]
    public static partial void SocketConnected(ILogger logger, string socketId, string @namespace, string sid);

    [LoggerMessage(102, LogLevel.Debug, "Socket {SocketId} left {Namespace}: {Reason}")]
    public static partial void SocketDisconnected(ILogger logger, string socketId, string @namespace, string reason);

    [LoggerMessage(103, LogLevel.Information, "Session {Sid}: undecodable Socket.IO packet ({Status}); closing the connection")]
    public static partial void DecodeFailed(ILogger logger, string sid, string status);

    [LoggerMessage(104, LogLevel.Information, "Session {Sid}: CONNECT to unknown namespace {Namespace}")]
    public static partial void InvalidNamespace(ILogger logger, string sid, string @namespace);

    [LoggerMessage(105, LogLevel.Information, "Session {Sid}: {Type} packet for {Namespace} in the wrong state; closing the connection")]
    public static partial void InvalidState(ILogger logger, string sid, string type, string @namespace);

    [LoggerMessage(106, LogLevel.Information, "Session {Sid}: no namespace joined within the connect timeout; closing the connection")]
    public static partial void ConnectTimeout(ILogger logger, string sid);

    [LoggerMessage(107, LogLevel.Error, "Socket {SocketId}: the handler of \"{EventName}\" threw")]
    public static partial void HandlerFailed(ILogger logger, string socketId, string eventName, Exception exception);

    [LoggerMessage(108, LogLevel.Information, "Session {Sid}: connection to {Namespace} refused by middleware: {Message}")]
    public static partial void ConnectionRejected(ILogger logger, string sid, string @namespace, string message);

    [LoggerMessage(109, LogLevel.Error, "Session {Sid}: the rule of a parent namespace threw for {Namespace}; taken as no match")]
    public static partial void NamespaceRuleFailed(ILogger logger, string sid, string @namespace, Exception exception);
}
