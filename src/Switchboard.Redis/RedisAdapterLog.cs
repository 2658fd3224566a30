using Microsoft.Extensions.Logging;

namespace Switchboard.Redis;

internal static partial class RedisAdapterLog
{
    [LoggerMessage(301, LogLevel.Warning, "Redis at {Endpoint} is unreachable ({Failure}): broadcasts reach this server's sockets only, and requests to other servers fail, until it is back")]
    public static partial void Unreachable(ILogger logger, string endpoint, string failure);

    [LoggerMessage(302, LogLevel.Information, "Redis at {Endpoint} is reachable again")]
    public static partial void Restored(ILogger logger, string endpoint);

    [LoggerMessage(303, LogLevel.Information, "Namespace {Namespace}: ignored a message on {Channel}: {Reason}")]
    public static partial void MessageIgnored(ILogger logger, string @namespace, string channel, string reason);

    [LoggerMessage(304, LogLevel.Warning, "Namespace {Namespace}: publishing to {Channel} failed; the other servers miss this message")]
    public static partial void PublishFailed(ILogger logger, string @namespace, string channel, Exception exception);

    [LoggerMessage(305, LogLevel.Debug, "Namespace {Namespace}: not published to {Channel} while Redis is unreachable")]
    public static partial void NotPublished(ILogger logger, string @namespace, string channel);

    [LoggerMessage(306, LogLevel.Warning, "Namespace {Namespace}: subscribing to its channels failed ({Message}); retrying when Redis is reachable")]
    public static partial void SubscribeFailed(ILogger logger, string @namespace, string message);

    [LoggerMessage(307, LogLevel.Debug, "Namespace {Namespace}: listening on Redis as {Uid}")]
    public static partial void Subscribed(ILogger logger, string @namespace, string uid);

    [LoggerMessage(308, LogLevel.Error, "Namespace {Namespace}: handling a message on {Channel} failed")]
    public static partial void HandlerFailed(ILogger logger, string @namespace, string channel, Exception exception);

    [LoggerMessage(310, LogLevel.Information, "Namespace {Namespace}: listening on Redis again")]
    public static partial void ListeningAgain(ILogger logger, string @namespace);

    [LoggerMessage(311, LogLevel.Warning, "Namespace {Namespace}: not listening on Redis until it is back; other servers' broadcasts and requests are missed meanwhile")]
    public static partial void NotListening(ILogger logger, string @namespace);

    [LoggerMessage(309, LogLevel.Warning, "Namespace {Namespace}: a broadcast with acknowledgements reaches this server's sockets only: {Message}")]
    public static partial void BroadcastAckLocalOnly(ILogger logger, string @namespace, string message);

    [LoggerMessage(312, LogLevel.Warning, "Reading the Redis streams failed ({Message}); reading on from the last entry read once Redis is reachable")]
    public static partial void StreamReadFailed(ILogger logger, string message);

    [LoggerMessage(313, LogLevel.Warning, "Namespace {Namespace}: writing to Redis failed; {Consequence}")]
    public static partial void WriteFailed(ILogger logger, string @namespace, string consequence, Exception exception);

    [LoggerMessage(314, LogLevel.Information, "Namespace {Namespace}: session {Pid} not restored: {Reason}")]
    public static partial void SessionNotRestored(ILogger logger, string @namespace, string pid, string reason);

    [LoggerMessage(315, LogLevel.Debug, "Namespace {Namespace}: session {Pid} restored with {Missed} missed events")]
    public static partial void SessionRestored(ILogger logger, string @namespace, string pid, int missed);
}
