namespace Switchboard.SocketIO;

/// <summary>
/// Thrown by namespace middleware to refuse a connection: the client's <c>connect_error</c> receives
/// an error whose <c>message</c> is the exception's message and whose <c>data</c> is <see cref="ErrorData"/>.
/// Same as Node's <c>next(err)</c> with <c>err.data</c>.
/// </summary>
public sealed class ConnectionRejectedException : Exception
{
    /// <summary>Refuses with a message and optional data for the client.</summary>
    public ConnectionRejectedException(string message, object? data = null)
        : base(message)
    {
        ErrorData = data;
    }

    /// <summary>Refuses with a message.</summary>
    public ConnectionRejectedException()
        : this("Connection rejected")
    {
    }

    /// <summary>Refuses with a message and the exception that caused it.</summary>
    public ConnectionRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Sent to the client as the error's <c>data</c>; serialized with the server's JSON options.</summary>
    public object? ErrorData { get; }
}
