using System.Net.WebSockets;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>The close handshake, started by either side, with status codes and reasons.</summary>
public sealed class CloseTests
{
    private const WebSocketCloseStatus ServerCode = (WebSocketCloseStatus)4000;
    private const WebSocketCloseStatus ClientCode = (WebSocketCloseStatus)4001;

    [Fact]
    public async Task CloseAsync_sends_what_is_queued_then_the_code_and_reason_and_OnCloseAsync_runs_once()
    {
        var component = new EchoComponent
        {
            OnMessage = async (from, message) =>
            {
                from.Send("first");
                from.Send("second");
                await from.CloseAsync(ServerCode, "see you");
            },
        };
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await client.SendTextAsync("bye");

        Assert.Equal("first", await client.ReceiveTextAsync());
        Assert.Equal("second", await client.ReceiveTextAsync());
        var close = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, close.Type);
        Assert.Equal(ServerCode, close.CloseStatus);
        Assert.Equal("see you", close.CloseDescription);
        Assert.False(connection.IsOpen);
        Assert.False(connection.Send("too late"));

        await client.AnswerCloseAsync();
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WithTimeout();
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Single(component.Closed.Snapshot(), c => c.Id == connection.Id);
    }

    [Fact]
    public async Task CloseAsync_from_outside_a_handler_completes_once_the_close_frame_is_sent()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away").WithTimeout();

        var close = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.CloseStatus);
        Assert.Equal("going away", close.CloseDescription);
        await client.AnswerCloseAsync();
        await component.ClosedAsync(connection.Id).WithTimeout();
    }

    [Fact]
    public async Task A_client_close_with_a_code_is_answered_with_that_code_and_OnCloseAsync_runs_once()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await client.CloseWithTimeoutAsync(ClientCode, "client leaving");

        // RFC 6455 §5.5.1: the answering close frame typically echoes the status code received.
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(ClientCode, client.CloseStatus);
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WithTimeout();
        Assert.Single(component.Closed.Snapshot(), c => c.Id == connection.Id);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task A_client_that_drops_the_tcp_connection_without_a_close_frame_gets_OnCloseAsync()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        var client = await server.ConnectAsync("/ws");
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        client.Abort();
        client.Dispose();

        await component.ClosedAsync(connection.Id).WithTimeout();
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WithTimeout();
        Assert.Single(component.Closed.Snapshot());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_never_answers_the_close_frame_is_cut_off_and_OnCloseAsync_runs(bool handoff)
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component), handoff);
        await using var client = await RawFrameClient.ConnectAsync(server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        _ = connection.CloseAsync(ServerCode, "bye");

        Assert.Equal((int)ServerCode, (await client.ReceiveCloseAsync()).CloseCode);
        Assert.Null(await client.ReceiveFrameAsync());
        await component.ClosedAsync(connection.Id).WithTimeout();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_goes_away_without_a_close_frame_is_closed_quietly_and_OnCloseAsync_runs(bool handoff)
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component), handoff);
        var client = await RawFrameClient.ConnectAsync(server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await client.DisposeAsync();

        await component.ClosedAsync(connection.Id).WithTimeout();
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WithTimeout();

        // A peer going away is how connections end, not a protocol error.
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Id == WebSocketEvents.ProtocolError);
    }

    [Fact]
    public async Task A_client_close_without_a_status_is_answered_with_1000()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        await using var client = await RawFrameClient.ConnectAsync(server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await client.SendFrameAsync(RawFrameClient.Close, []);

        // Not with 1005, which RFC 6455 §7.4.1 reserves for "no status" and forbids on the wire.
        Assert.Equal(1000, (await client.ReceiveCloseAsync()).CloseCode);
        await component.ClosedAsync(connection.Id).WithTimeout();
    }

    [Fact]
    public async Task Stopping_the_host_closes_open_connections_with_1001_and_OnCloseAsync_runs()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        var stopping = server.StopAsync();

        var close = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.CloseStatus);
        await client.AnswerCloseAsync();
        await component.ClosedAsync(connection.Id).WithTimeout();
        await stopping.WithTimeout(TimeSpan.FromSeconds(3));
    }
}
