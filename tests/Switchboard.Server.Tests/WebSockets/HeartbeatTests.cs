using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>The server pings every connection; one that stops answering is closed. On by default, configurable, or off.</summary>
public sealed class HeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    // Several intervals and timeouts: long enough that a heartbeat would have closed a silent client.
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1500);

    private static void Fast(WebSocketComponentOptions o)
    {
        o.KeepAliveInterval = Interval;
        o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
    }

    // For clients that answer: a pong may be late on a busy machine without the test failing.
    private static void Tolerant(WebSocketComponentOptions o)
    {
        o.KeepAliveInterval = Interval;
        o.KeepAliveTimeout = TimeSpan.FromMilliseconds(600);
    }

    [Fact]
    public void The_heartbeat_is_on_by_default()
    {
        var options = new WsServer(new EchoComponent()).Options;

        Assert.True(options.KeepAliveInterval > TimeSpan.Zero);
        Assert.True(options.KeepAliveTimeout > TimeSpan.Zero);
    }

    [Fact]
    public async Task The_server_pings_and_a_client_that_answers_every_ping_stays_open()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, Tolerant));
        await using var client = await RawFrameClient.ConnectAsync(server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        for (var pings = 0; pings < 5;)
        {
            var frame = await client.ReceiveFrameAsync().WithTimeout();
            Assert.NotNull(frame);
            Assert.Equal(RawFrameClient.Ping, frame.Opcode);
            await client.SendFrameAsync(RawFrameClient.Pong, frame.Payload);
            pings++;
        }

        Assert.True(connection.IsOpen);
        Assert.Equal(0, component.Closed.Count);
        await client.SendFrameAsync(RawFrameClient.Text, "still here"u8.ToArray());
        var echo = await client.ReceiveFrameAsync().WithTimeout();
        while (echo?.Opcode == RawFrameClient.Ping)
        {
            echo = await client.ReceiveFrameAsync().WithTimeout();
        }

        Assert.Equal("still here"u8.ToArray(), echo?.Payload);
    }

    [Fact]
    public async Task A_client_that_never_reads_never_answers_pings_and_is_closed_with_OnCloseAsync()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, Fast));

        // ClientWebSocket answers pings only inside ReceiveAsync; this one never calls it.
        using var silent = await server.ConnectAsync("/ws", o => o.KeepAliveInterval = TimeSpan.Zero);
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await component.ClosedAsync(connection.Id).WithTimeout();
        Assert.False(connection.IsOpen);
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WithTimeout();
    }

    [Fact]
    public async Task A_client_that_keeps_receiving_answers_pings_and_stays_open_across_several_intervals()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, Tolerant));
        using var client = await server.ConnectAsync("/ws", o => o.KeepAliveInterval = TimeSpan.Zero);
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        var receive = client.ReceiveMessageAsync(Window + TaskTimeouts.Default);
        var finished = await Task.WhenAny(receive, Task.Delay(Window));

        Assert.NotSame(receive, finished);
        Assert.True(connection.IsOpen);
        Assert.Equal(0, component.Closed.Count);
        await client.SendTextAsync("still here");
        Assert.Equal("still here", (await receive.WithTimeout()).Text);
    }

    [Fact]
    public async Task With_the_heartbeat_off_a_silent_client_stays_open()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, o => o.KeepAliveInterval = TimeSpan.Zero));
        using var silent = await server.ConnectAsync("/ws", o => o.KeepAliveInterval = TimeSpan.Zero);
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        var closed = component.ClosedAsync(connection.Id, Window);
        await Assert.ThrowsAsync<TimeoutException>(() => closed);

        Assert.True(connection.IsOpen);
        await silent.SendTextAsync("still here");
        Assert.Equal("still here", await silent.ReceiveTextAsync());
    }
}
