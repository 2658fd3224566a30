namespace Switchboard.SocketIO;

/// <summary>
/// Not every recipient of a broadcast acknowledged it in time. <see cref="Responses"/> holds the
/// answers that did arrive. Same as the <c>err</c> ("operation has timed out") Node gives a broadcast ack callback.
/// </summary>
public sealed class AcknowledgementTimeoutException : TimeoutException
{
    /// <summary>Reports the answers that arrived before the timeout.</summary>
    public AcknowledgementTimeoutException(string message, IReadOnlyList<EventArguments> responses)
        : base(message)
    {
        Responses = responses;
    }

    /// <summary>Reports a timeout without answers.</summary>
    public AcknowledgementTimeoutException()
        : this("operation has timed out", [])
    {
    }

    /// <summary>Reports a timeout without answers.</summary>
    public AcknowledgementTimeoutException(string message)
        : this(message, [])
    {
    }

    /// <summary>Reports a timeout caused by another exception.</summary>
    public AcknowledgementTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        Responses = [];
    }

    /// <summary>The answers received before the timeout, in arrival order.</summary>
    public IReadOnlyList<EventArguments> Responses { get; }
}
