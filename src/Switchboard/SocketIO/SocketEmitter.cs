namespace Switchboard.SocketIO;

/// <summary>
/// A socket with flags for its next emit: <see cref="Volatile"/>, <see cref="Compress"/>,
/// <see cref="Timeout"/>. From <see cref="Socket.Volatile"/>, <see cref="Socket.Compress"/> and
/// <see cref="Socket.Timeout"/>; chain them as in Node (<c>socket.volatile.timeout(ms).emit(…)</c>).
/// </summary>
public readonly struct SocketEmitter
{
    private readonly Socket _socket;
    private readonly EmitFlags _flags;

    internal SocketEmitter(Socket socket, EmitFlags flags)
    {
        _socket = socket;
        _flags = flags;
    }

    /// <summary>Drops the event if the client cannot take it right now. Same as Node's <c>volatile</c>.</summary>
    public SocketEmitter Volatile => new(_socket, _flags with { Volatile = true });

    /// <summary>Whether the event may be compressed when the connection negotiated compression. Same as Node's <c>compress(bool)</c>.</summary>
    public SocketEmitter Compress(bool compress) => new(_socket, _flags with { Compress = compress });

    /// <summary>Bounds how long an acknowledgement is awaited. Same as Node's <c>timeout(ms)</c>.</summary>
    public SocketEmitter Timeout(TimeSpan timeout) => new(_socket, _flags with { Timeout = timeout });

    /// <summary>Sends an event to the client. Same as Node's <c>socket.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) => _socket.EmitAsync(eventName, args, _flags);

    /// <summary>Sends an event and waits for the client's acknowledgement. Same as Node's <c>emitWithAck</c>.</summary>
    /// <exception cref="TimeoutException">The client did not acknowledge within the timeout.</exception>
    /// <exception cref="InvalidOperationException">The socket disconnected before the acknowledgement arrived.</exception>
    public Task<EventArguments> EmitWithAckAsync(string eventName, params object?[] args) => _socket.EmitWithAckAsync(eventName, args, _flags);
}
