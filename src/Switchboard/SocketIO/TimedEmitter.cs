namespace Switchboard.SocketIO;

/// <summary>A socket with a bound on how long an acknowledgement is awaited; from <see cref="Socket.Timeout"/>.</summary>
public readonly struct TimedEmitter
{
    private readonly Socket _socket;
    private readonly TimeSpan _timeout;

    internal TimedEmitter(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
    }

    /// <summary>Sends an event and waits for its acknowledgement. Same as Node's <c>socket.timeout(ms).emitWithAck</c>.</summary>
    /// <exception cref="TimeoutException">The client did not acknowledge in time.</exception>
    /// <exception cref="InvalidOperationException">The socket disconnected before the acknowledgement arrived.</exception>
    public Task<EventArguments> EmitWithAckAsync(string eventName, params object?[] args) => _socket.EmitWithAckAsync(eventName, args, _timeout);
}
