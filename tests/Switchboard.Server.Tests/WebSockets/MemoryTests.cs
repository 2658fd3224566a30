using System.Runtime.CompilerServices;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>A closed connection is garbage: nothing in the server keeps it (Ratchet #662, #537).</summary>
public sealed class MemoryTests
{
    private const int Total = 1000;
    private const int Batch = 50;

    [Fact]
    public async Task A_thousand_connections_opened_and_closed_leave_no_connection_object_reachable()
    {
        var component = new WeakRecorder();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));

        for (var done = 0; done < Total; done += Batch)
        {
            await Task.WhenAll(Enumerable.Range(0, Batch).Select(_ => OpenTalkAndCloseAsync(server))).WithTimeout();
        }

        await component.AllClosed.Task.WithTimeout();
        Assert.Equal(Total, component.References.Count);

        // The last connections may still be unwinding their request after OnCloseAsync; collect
        // until none is alive, within a deadline.
        var alive = Total;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!deadline.IsCancellationRequested)
        {
            alive = CountAlive(component.References);
            if (alive == 0)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(0, alive);
    }

    private static async Task OpenTalkAndCloseAsync(ComponentServer server)
    {
        using var client = await server.ConnectAsync("/ws");
        await client.SendTextAsync("hello");
        Assert.Equal("hello", await client.ReceiveTextAsync());
        await client.CloseWithTimeoutAsync();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CountAlive(List<WeakReference<IConnection>> references)
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        GC.Collect();
        var alive = 0;
        foreach (var reference in references)
        {
            if (reference.TryGetTarget(out _))
            {
                alive++;
            }
        }

        return alive;
    }

    /// <summary>Keeps nothing but a weak reference to each connection, and gives each some Items to hold.</summary>
    private sealed class WeakRecorder : IMessageComponent
    {
        private int _closed;

        public List<WeakReference<IConnection>> References { get; } = [];

        public TaskCompletionSource AllClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnOpenAsync(IConnection connection)
        {
            connection.Items["state"] = new byte[4096];
            lock (References)
            {
                References.Add(new WeakReference<IConnection>(connection));
            }

            return Task.CompletedTask;
        }

        public Task OnMessageAsync(IConnection from, WebSocketMessage message) => from.SendAsync(message.Text);

        public Task OnCloseAsync(IConnection connection)
        {
            if (Interlocked.Increment(ref _closed) == Total)
            {
                AllClosed.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public Task OnErrorAsync(IConnection connection, Exception exception) => Task.CompletedTask;
    }
}
