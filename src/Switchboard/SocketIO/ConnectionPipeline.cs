using Microsoft.Extensions.Logging;

namespace Switchboard.SocketIO;

/// <summary>The middleware and connection handlers of a namespace (or of a parent namespace, for its children).</summary>
internal sealed class ConnectionPipeline
{
    private readonly Lock _gate = new();
    private Func<Socket, Task>[] _middlewares = [];
    private Func<Socket, Task>[] _handlers = [];

    public void AddMiddleware(Func<Socket, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate)
        {
            _middlewares = [.. _middlewares, middleware];
        }
    }

    public void AddHandler(Action<Socket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddHandler(socket =>
        {
            handler(socket);
            return Task.CompletedTask;
        });
    }

    public void AddHandler(Func<Socket, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }
    }

    /// <summary>Runs the middleware in order; the first exception refuses the connection and propagates.</summary>
    public async Task RunMiddlewaresAsync(Socket socket)
    {
        foreach (var middleware in Volatile.Read(ref _middlewares))
        {
            await middleware(socket).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts every connection handler, in order, as Node calls its listeners: each runs up to its
    /// first await before the next starts. The task observes them; one that throws is logged.
    /// </summary>
    public Task RunHandlersAsync(Socket socket, ILogger logger)
    {
        var handlers = Volatile.Read(ref _handlers);
        if (handlers.Length == 0)
        {
            return Task.CompletedTask;
        }

        var running = new Task[handlers.Length];
        for (var i = 0; i < handlers.Length; i++)
        {
            running[i] = ObserveAsync(handlers[i], socket, logger);
        }

        return Task.WhenAll(running);
    }

    private static async Task ObserveAsync(Func<Socket, Task> handler, Socket socket, ILogger logger)
    {
        try
        {
            await handler(socket).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SocketIOLog.HandlerFailed(logger, socket.Id, "connection", e);
        }
    }
}
