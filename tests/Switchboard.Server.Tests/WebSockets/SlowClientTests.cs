using System.Buffers.Binary;
using System.Net.WebSockets;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>Each connection has a bounded send queue: a client that does not read is closed, and never delays the others.</summary>
public sealed class SlowClientTests
{
    private const int Count = 2000;
    private const int Size = 4096;
    private const int QueueLength = 64;

    // The broadcaster waits for the fast clients (never for the slow one) every Window messages,
    // so their queues never hold more than Window < QueueLength messages, however busy the machine.
    private const int Window = 32;

    [Fact]
    public async Task A_client_that_never_reads_is_closed_and_logged_while_the_fast_ones_get_every_broadcast_message()
    {
        var clients = new ConnectionSet();
        var component = EchoComponent.Tracking(clients);
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, o =>
        {
            o.MaxSendQueueLength = QueueLength;
            o.KeepAliveInterval = TimeSpan.Zero;
        }));
        using var slow = await server.ConnectAsync("/ws");
        using var fast1 = await server.ConnectAsync("/ws");
        using var fast2 = await server.ConnectAsync("/ws");
        var opened = await component.Opened.WaitForCountAsync(3).WithTimeout();
        var (slowConnection, fastConnections) = (opened[0], opened.Skip(1).ToArray());
        var progress = new[] { new EventRecord<int>(), new EventRecord<int>() };
        var readers = new[] { ReadAllAsync(fast1, progress[0]), ReadAllAsync(fast2, progress[1]) };

        for (var sequence = 0; sequence < Count; sequence++)
        {
            var message = new byte[Size];
            BinaryPrimitives.WriteInt32BigEndian(message, sequence);
            clients.Broadcast(message, WebSocketMessageType.Binary);
            if ((sequence + 1) % Window == 0)
            {
                await Task.WhenAll(progress.Select(p => p.WaitForCountAsync(sequence + 1))).WithTimeout();
            }
        }

        await Task.WhenAll(readers).WithTimeout();
        Assert.All(progress, p => Assert.Equal(Enumerable.Range(0, Count), p.Snapshot()));
        await server.WaitForLogAsync(WebSocketEvents.SendQueueFull, $"connection {slowConnection.Id}:").WithTimeout();
        await component.ClosedAsync(slowConnection.Id, TimeSpan.FromSeconds(15)).WithTimeout(TimeSpan.FromSeconds(20));
        Assert.False(slowConnection.IsOpen);
        Assert.All(fastConnections, c => Assert.True(c.IsOpen));
        Assert.Single(server.Logs.Entries, e => e.EventId.Id == WebSocketEvents.SendQueueFull);
        Assert.Equal(2, clients.Count);
    }

    private static async Task ReadAllAsync(ClientWebSocket client, EventRecord<int> progress)
    {
        for (var i = 0; i < Count; i++)
        {
            var message = await client.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, message.Type);
            Assert.Equal(Size, message.Data.Length);
            progress.Add(BinaryPrimitives.ReadInt32BigEndian(message.Data));
        }
    }
}
