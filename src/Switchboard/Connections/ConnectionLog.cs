using Microsoft.Extensions.Logging;

namespace Switchboard.Connections;

internal static partial class ConnectionLog
{
    [LoggerMessage(401, LogLevel.Debug, "Connection {ConnectionId}: the WebSocket left its upgrade request and runs on the connection")]
    public static partial void HandedOff(ILogger logger, string connectionId);
}
