using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>Sec-WebSocket-Protocol: the server's first preference that the client also offers is agreed.</summary>
public sealed class SubProtocolTests
{
    [Theory]
    [InlineData("v1.chat,v2.chat", "v2.chat")]
    [InlineData("v2.chat,v1.chat", "v2.chat")]
    [InlineData("v1.chat", "v1.chat")]
    [InlineData("legacy,v1.chat", "v1.chat")]
    [InlineData("", null)]
    [InlineData("legacy", null)]
    public async Task The_server_picks_its_most_preferred_sub_protocol_among_those_offered(string offered, string? agreed)
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, o =>
        {
            o.SubProtocols.Add("v2.chat");
            o.SubProtocols.Add("v1.chat");
        }));

        using var client = await server.ConnectAsync("/ws", o =>
        {
            foreach (var protocol in offered.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                o.AddSubProtocol(protocol);
            }
        });

        var connection = await component.Opened.WaitForAsync().WithTimeout();
        Assert.Equal(agreed, client.SubProtocol);
        Assert.Equal(agreed, connection.SubProtocol);
        await client.SendTextAsync("hi");
        Assert.Equal("hi", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_server_without_sub_protocols_agrees_none_even_when_offered_some()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component));

        using var client = await server.ConnectAsync("/ws", o => o.AddSubProtocol("v1.chat"));

        Assert.Null(client.SubProtocol);
        Assert.Null((await component.Opened.WaitForAsync().WithTimeout()).SubProtocol);
    }
}
