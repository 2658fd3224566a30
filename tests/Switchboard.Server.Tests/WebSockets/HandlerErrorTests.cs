using System.Net.WebSockets;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>An exception in a handler goes to OnErrorAsync; if that throws too, the connection (and only it) is closed with 1011.</summary>
public sealed class HandlerErrorTests
{
    [Fact]
    public async Task An_exception_in_OnMessageAsync_goes_to_OnErrorAsync_and_the_connection_stays_usable()
    {
        var component = new EchoComponent();
        component.OnMessage = (from, message) => message.Text == "boom"
            ? throw new InvalidOperationException("handler failed")
            : from.SendAsync("echo: " + message.Text);
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        await client.SendTextAsync("boom");
        await client.SendTextAsync("after");

        Assert.Equal("echo: after", await client.ReceiveTextAsync());
        var error = await component.Errors.WaitForAsync().WithTimeout();
        Assert.Same(connection, error.Connection);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Equal("handler failed", error.Exception.Message);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task A_faulted_task_from_OnMessageAsync_goes_to_OnErrorAsync_too()
    {
        var component = new EchoComponent
        {
            OnMessage = async (from, message) =>
            {
                await Task.Yield();
                throw new FormatException("async failure");
            },
        };
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");

        await client.SendTextAsync("x");

        Assert.IsType<FormatException>((await component.Errors.WaitForAsync().WithTimeout()).Exception);
    }

    [Fact]
    public async Task An_exception_in_OnOpenAsync_goes_to_OnErrorAsync_and_the_connection_is_served()
    {
        var component = new EchoComponent { OnOpen = _ => throw new InvalidOperationException("open failed") };
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var client = await server.ConnectAsync("/ws");

        Assert.Equal("open failed", (await component.Errors.WaitForAsync().WithTimeout()).Exception.Message);
        await client.SendTextAsync("hi");
        Assert.Equal("hi", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task When_OnErrorAsync_throws_too_the_connection_is_closed_with_1011_and_logged_and_others_keep_working()
    {
        var component = new EchoComponent();
        component.OnMessage = (from, message) => message.Text == "fatal"
            ? throw new InvalidOperationException("handler failed")
            : from.SendAsync("echo: " + message.Text);
        component.OnError = (_, e) => throw new InvalidOperationException("error handler failed too", e);
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using var victim = await server.ConnectAsync("/ws");
        using var bystander = await server.ConnectAsync("/ws");
        var connections = await component.Opened.WaitForCountAsync(2).WithTimeout();

        await victim.SendTextAsync("fatal");

        var close = await victim.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, close.Type);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.CloseStatus);
        var logged = await server.WaitForLogAsync(WebSocketEvents.ErrorHandlerFailed, $"connection {connections[0].Id}:").WithTimeout();
        await victim.AnswerCloseAsync();
        await component.ClosedAsync(connections[0].Id).WithTimeout();

        await bystander.SendTextAsync("still served?");
        Assert.Equal("echo: still served?", await bystander.ReceiveTextAsync());
        Assert.True(connections[1].IsOpen);
        Assert.NotNull(logged);
    }

    [Fact]
    public async Task An_exception_in_OnCloseAsync_is_logged_and_the_server_keeps_serving()
    {
        var component = new ThrowingOnClose();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));
        using (var first = await server.ConnectAsync("/ws"))
        {
            await first.CloseWithTimeoutAsync();
        }

        await server.WaitForLogAsync(WebSocketEvents.CloseHandlerFailed).WithTimeout();
        using var second = await server.ConnectAsync("/ws");
        await second.SendTextAsync("hi");
        Assert.Equal("hi", await second.ReceiveTextAsync());
    }

    private sealed class ThrowingOnClose : Switchboard.WebSockets.IMessageComponent
    {
        public Task OnOpenAsync(Switchboard.WebSockets.IConnection connection) => Task.CompletedTask;

        public Task OnMessageAsync(Switchboard.WebSockets.IConnection from, Switchboard.WebSockets.WebSocketMessage message) => from.SendAsync(message.Text);

        public Task OnCloseAsync(Switchboard.WebSockets.IConnection connection) => throw new InvalidOperationException("close failed");

        public Task OnErrorAsync(Switchboard.WebSockets.IConnection connection, Exception exception) => Task.CompletedTask;
    }
}
