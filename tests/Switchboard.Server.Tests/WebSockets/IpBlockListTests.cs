using System.Net;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>IpBlockList: blocked addresses are refused before any WebSocket is opened; blocks change while serving.</summary>
public sealed class IpBlockListTests
{
    [Fact]
    public async Task A_blocked_address_is_refused_with_403_and_logged_and_connects_again_once_unblocked()
    {
        var component = new EchoComponent();
        var blocks = new IpBlockList(new WsServer(component)).Block(IPAddress.Loopback);
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", blocks));

        var status = await UpgradeRefusal.StatusAsync(server.WebSocketUrl("/ws"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var logged = await server.WaitForLogAsync(WebSocketEvents.Refused, "by IpBlockList").WithTimeout();
        Assert.Contains("127.0.0.1", logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, component.Opened.Count);

        blocks.Unblock(IPAddress.Loopback);

        using var client = await server.ConnectAsync("/ws");
        await client.SendTextAsync("hi");
        Assert.Equal("hi", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Blocking_another_address_lets_loopback_clients_in()
    {
        var component = new EchoComponent();
        var blocks = new IpBlockList(new WsServer(component)).Block(IPAddress.Parse("192.0.2.7"));
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", blocks));

        using var client = await server.ConnectAsync("/ws");

        await component.Opened.WaitForAsync().WithTimeout();
        Assert.True(blocks.IsBlocked(IPAddress.Parse("192.0.2.7")));
        Assert.True(blocks.IsBlocked(IPAddress.Parse("::ffff:192.0.2.7")));
    }
}
