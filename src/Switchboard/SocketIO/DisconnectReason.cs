namespace Switchboard.SocketIO;

/// <summary>The reasons a socket disconnects, named exactly as the Node reference server names them.</summary>
public static class DisconnectReason
{
    /// <summary>The connection failed (for example a WebSocket error, an aborted poll, or a full send queue).</summary>
    public const string TransportError = "transport error";

    /// <summary>The client closed the connection, or the network dropped it.</summary>
    public const string TransportClose = "transport close";

    /// <summary>The server closed the connection (Engine.IO level).</summary>
    public const string ForcedClose = "forced close";

    /// <summary>The client did not answer a ping within the ping timeout.</summary>
    public const string PingTimeout = "ping timeout";

    /// <summary>The client sent a packet the server could not decode.</summary>
    public const string ParseError = "parse error";

    /// <summary>The server is shutting down.</summary>
    public const string ServerShuttingDown = "server shutting down";

    /// <summary>The server closed the whole connection on purpose.</summary>
    public const string ForcedServerClose = "forced server close";

    /// <summary>The client left the namespace (<c>socket.disconnect()</c> on the client).</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";

    /// <summary>The server removed the socket from the namespace (<c>socket.Disconnect()</c>).</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";

    /// <summary>
    /// Whether connection state recovery keeps the session of a socket that left for this reason: a
    /// lost or closed connection can come back, a deliberate namespace disconnect cannot. Same set as
    /// Node's <c>RECOVERABLE_DISCONNECT_REASONS</c>.
    /// </summary>
    public static bool IsRecoverable(string reason) => reason is TransportError or TransportClose or ForcedClose
        or PingTimeout or ServerShuttingDown or ForcedServerClose;
}
