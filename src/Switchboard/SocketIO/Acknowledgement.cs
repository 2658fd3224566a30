namespace Switchboard.SocketIO;

/// <summary>
/// The callback a client passed with an event (<c>socket.emit("ev", data, (reply) => …)</c>), or
/// another server with a server-side emit. Declare a parameter of this type in a handler to answer
/// it; only the first call is sent.
/// </summary>
public sealed class Acknowledgement
{
    private readonly Action<object?[]>? _reply;
    private int _sent;

    internal Acknowledgement(Socket socket, long id)
        : this(id >= 0 ? args => socket.SendAck(id, args) : null)
    {
    }

    internal Acknowledgement(Action<object?[]>? reply) => _reply = reply;

    /// <summary>True once the acknowledgement has been sent.</summary>
    public bool IsSent => Volatile.Read(ref _sent) != 0;

    /// <summary>Sends the acknowledgement with these arguments; the client's callback receives them.</summary>
    public void Send(params object?[] args)
    {
        // A handler may take an acknowledgement nobody asked for: calling it does nothing.
        if (Interlocked.Exchange(ref _sent, 1) == 0)
        {
            _reply?.Invoke(args);
        }
    }
}
