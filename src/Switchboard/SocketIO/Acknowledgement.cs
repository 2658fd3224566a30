namespace Switchboard.SocketIO;

/// <summary>
/// The callback a client passed with an event (<c>socket.emit("ev", data, (reply) => …)</c>).
/// Declare a parameter of this type in a handler to answer it; only the first call is sent.
/// </summary>
public sealed class Acknowledgement
{
    private readonly Socket _socket;
    private readonly long _id;
    private int _sent;

    internal Acknowledgement(Socket socket, long id)
    {
        _socket = socket;
        _id = id;
    }

    /// <summary>True once the acknowledgement has been sent.</summary>
    public bool IsSent => Volatile.Read(ref _sent) != 0;

    /// <summary>Sends the acknowledgement with these arguments; the client's callback receives them.</summary>
    public void Send(params object?[] args)
    {
        // A handler may take an acknowledgement the client never asked for (id -1): calling it does nothing.
        if (Interlocked.Exchange(ref _sent, 1) == 0 && _id >= 0)
        {
            _socket.SendAck(_id, args);
        }
    }
}
