namespace Switchboard.SocketIO;

/// <summary>A socket's optional listeners and middleware, allocated only for sockets that register some.</summary>
internal sealed class SocketListeners
{
    private readonly Lock _gate = new();

    public Action<string>? Disconnect;

    public Action<string>? Disconnecting;

    public Action<Exception>? Error;

    public Func<string, EventArguments, Task>[] Middlewares { get; private set; } = [];

    public ListenerList<Action<string, EventArguments>> Any { get; } = new();

    public ListenerList<Action<string, IReadOnlyList<object?>>> AnyOutgoing { get; } = new();

    public void AddMiddleware(Func<string, EventArguments, Task> middleware)
    {
        lock (_gate)
        {
            Middlewares = [.. Middlewares, middleware];
        }
    }
}
