using System.Net.WebSockets;
using System.Text;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>Text and binary messages, fragments reassembled, and the maximum message size.</summary>
public sealed class MessageTests
{
    private const int Limit = 10_000;

    [Fact]
    public async Task A_text_message_goes_round_trip()
    {
        var component = new EchoComponent("echo: ");
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");

        await client.SendTextAsync("héllo wörld ✓ 🎉");

        Assert.Equal("echo: héllo wörld ✓ 🎉", await client.ReceiveTextAsync());
        var message = await component.Messages.WaitForAsync();
        Assert.True(message.IsText);
        Assert.Equal("héllo wörld ✓ 🎉", message.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Messages_sent_from_four_threads_at_once_all_arrive_each_threads_in_order(bool handoff)
    {
        // Each send is written by its own thread when nothing is queued, and queued for the writer
        // loop when something is: the two must never reorder one thread's messages. The client stops
        // reading for a moment, so that sends back up (4 MB, past the socket's buffers) and queue.
        var sends = new ThreadedSends(threads: 4, perThread: 1_000);
        var component = new EchoComponent
        {
            OnOpen = connection =>
            {
                sends.Start(message => connection.Send(message));
                return Task.CompletedTask;
            },
        };
        await using var server = await ComponentServer.StartAsync(
            app => app.MapWebSocketComponent("/ws", component, o => o.MaxSendQueueLength = sends.Total + 10), handoff);
        using var client = await server.ConnectAsync("/ws");

        while (sends.Received < sends.Total)
        {
            sends.Check(await client.ReceiveTextAsync());
            if (sends.Received == 100)
            {
                await Task.Delay(300);
            }
        }
    }

    [Fact]
    public async Task A_binary_message_goes_round_trip_byte_for_byte()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await client.SendBinaryAsync(data);

        var echo = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, echo.Type);
        Assert.Equal(data, echo.Data);
        Assert.False((await component.Messages.WaitForAsync()).IsText);
    }

    [Fact]
    public async Task A_fragmented_text_message_is_handed_over_once_reassembled()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");

        await client.SendTextAsync("one ", endOfMessage: false);
        await client.SendTextAsync("two ", endOfMessage: false);
        await client.SendTextAsync("three");

        Assert.Equal("one two three", await client.ReceiveTextAsync());
        Assert.Equal(["one two three"], component.Messages.Snapshot().Select(m => m.Text));
    }

    [Fact]
    public async Task A_fragmented_binary_message_larger_than_the_receive_buffer_is_reassembled_in_order()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var data = new byte[30_000];
        new Random(3).NextBytes(data);

        await client.SendBinaryAsync(data[..10_000], endOfMessage: false);
        await client.SendBinaryAsync(data[10_000..20_000], endOfMessage: false);
        await client.SendBinaryAsync(data[20_000..]);

        Assert.Equal(data, (await client.ReceiveMessageAsync()).Data);
        Assert.Equal(1, component.Messages.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_message_of_exactly_the_maximum_size_is_accepted(bool text)
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, o => o.MaxMessageSize = Limit));
        using var client = await server.ConnectAsync("/ws");
        var payload = new string('x', Limit);

        if (text)
        {
            await client.SendTextAsync(payload);
        }
        else
        {
            await client.SendBinaryAsync(Encoding.ASCII.GetBytes(payload));
        }

        var echo = await client.ReceiveMessageAsync();
        Assert.Equal(text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, echo.Type);
        Assert.Equal(Limit, echo.Data.Length);
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Id == WebSocketEvents.MessageTooBig);
    }

    [Theory]
    [InlineData(new[] { Limit + 1 })]
    [InlineData(new[] { 6_000, 6_000 })]
    [InlineData(new[] { 4_000, 4_000, 4_000 })]
    public async Task A_message_over_the_maximum_size_closes_the_connection_with_1009_and_is_logged(int[] fragments)
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, o => o.MaxMessageSize = Limit));
        using var client = await server.ConnectAsync("/ws");
        var id = (await component.Opened.WaitForAsync().WithTimeout()).Id;

        for (var i = 0; i < fragments.Length; i++)
        {
            await client.SendBinaryAsync(new byte[fragments[i]], endOfMessage: i == fragments.Length - 1);
        }

        var close = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, close.Type);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close.CloseStatus);
        await server.WaitForLogAsync(WebSocketEvents.MessageTooBig, $"connection {id}:").WithTimeout();
        await component.ClosedAsync(id).WithTimeout();
        Assert.Empty(component.Messages.Snapshot());
    }
}
