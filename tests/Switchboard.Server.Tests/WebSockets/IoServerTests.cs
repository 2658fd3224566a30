using System.Net;
using System.Net.WebSockets;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>The standalone one-liner: IoServer.Factory(new HttpServer(new WsServer(component)), port).</summary>
public sealed class IoServerTests
{
    [Fact]
    public async Task The_standalone_server_serves_the_pipeline_on_loopback_and_stops()
    {
        var component = new EchoComponent("echo: ");
        await using var io = IoServer.Factory(new HttpServer(new WsServer(component)), 0);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await io.StartAsync(timeout.Token);

        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(io.Url.Host)));
        Assert.NotEqual(0, io.Url.Port);
        var url = new Uri($"ws://{io.Url.Authority}/any/path");
        using (var client = await ClientWebSockets.ConnectAsync(url))
        {
            await client.SendTextAsync("hi");
            Assert.Equal("echo: hi", await client.ReceiveTextAsync());
            await client.CloseWithTimeoutAsync();
        }

        await component.Closed.WaitForAsync().WithTimeout();
        await io.StopAsync(timeout.Token);

        await Assert.ThrowsAsync<WebSocketException>(() => ClientWebSockets.ConnectAsync(url));
    }

    [Fact]
    public async Task Stopping_the_standalone_server_closes_open_connections_with_1001_and_OnCloseAsync_runs()
    {
        var component = new EchoComponent();
        await using var io = IoServer.Factory(new HttpServer(new WsServer(component)), 0);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await io.StartAsync(timeout.Token);
        using var client = await ClientWebSockets.ConnectAsync(new Uri($"ws://{io.Url.Authority}/"));
        var connection = await component.Opened.WaitForAsync().WithTimeout();

        var stopping = io.StopAsync(timeout.Token);

        var close = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.CloseStatus);
        await client.AnswerCloseAsync();
        await component.ClosedAsync(connection.Id).WithTimeout();
        await stopping.WithTimeout();
    }
}
