namespace Switchboard.Testing;

/// <summary>The event ids of Switchboard.WebSockets.WebSocketLog, so tests can wait for or assert a log line.</summary>
public static class WebSocketEvents
{
    public const int Opened = 201;
    public const int Closed = 202;
    public const int MessageTooBig = 203;
    public const int ProtocolError = 204;
    public const int SendQueueFull = 205;
    public const int ErrorHandlerFailed = 206;
    public const int CloseHandlerFailed = 207;
    public const int Refused = 208;
}
