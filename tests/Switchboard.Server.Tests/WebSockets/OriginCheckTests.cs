using System.Net;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>OriginCheck: only pages from allowed origins may open a WebSocket.</summary>
public sealed class OriginCheckTests
{
    private const string Allowed = "https://chat.example";

    private static async Task<(ComponentServer Server, EchoComponent Component)> StartAsync()
    {
        var component = new EchoComponent();
        var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", new OriginCheck(new WsServer(component), Allowed)));
        return (server, component);
    }

    [Fact]
    public async Task A_client_from_an_allowed_origin_connects()
    {
        var (server, component) = await StartAsync();
        await using var _ = server;

        using var client = await server.ConnectAsync("/ws", o => o.SetRequestHeader("Origin", Allowed));

        await client.SendTextAsync("hi");
        Assert.Equal("hi", await client.ReceiveTextAsync());
        Assert.Equal(Allowed, (await component.Opened.WaitForAsync().WithTimeout()).Request.Headers.Origin.ToString());
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://chat.example")]
    [InlineData(null)]
    public async Task A_client_from_another_origin_or_none_is_refused_with_403_and_logged(string? origin)
    {
        var (server, component) = await StartAsync();
        await using var _ = server;

        var status = await UpgradeRefusal.StatusAsync(server.WebSocketUrl("/ws"), o =>
        {
            if (origin is not null)
            {
                o.SetRequestHeader("Origin", origin);
            }
        });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var logged = await server.WaitForLogAsync(WebSocketEvents.Refused, "by OriginCheck").WithTimeout();
        Assert.Contains("403", logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, component.Opened.Count);
    }
}
