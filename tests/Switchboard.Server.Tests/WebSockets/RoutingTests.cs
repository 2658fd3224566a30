using System.Net;
using System.Net.WebSockets;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>Several components on one server, each at its own path.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task Two_components_on_two_paths_each_serve_only_their_own_clients()
    {
        var chat = new EchoComponent("chat: ");
        var echo = new EchoComponent("echo: ");
        await using var server = await ComponentServer.StartAsync(app =>
        {
            app.MapWebSocketComponent("/chat", chat);
            app.MapWebSocketComponent("/echo", echo);
        });
        using var chatClient = await server.ConnectAsync("/chat");
        using var echoClient = await server.ConnectAsync("/echo");

        await chatClient.SendTextAsync("one");
        await echoClient.SendTextAsync("two");

        Assert.Equal("chat: one", await chatClient.ReceiveTextAsync());
        Assert.Equal("echo: two", await echoClient.ReceiveTextAsync());
        Assert.Equal(["one"], chat.Messages.Snapshot().Select(m => m.Text));
        Assert.Equal(["two"], echo.Messages.Snapshot().Select(m => m.Text));
        Assert.Equal("/chat", (await chat.Opened.WaitForAsync().WithTimeout()).Request.Path);
        Assert.Equal("/echo", (await echo.Opened.WaitForAsync().WithTimeout()).Request.Path);
    }

    [Fact]
    public async Task A_path_with_no_component_is_not_found()
    {
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/chat", new EchoComponent()));

        var status = await UpgradeRefusal.StatusAsync(server.WebSocketUrl("/elsewhere"));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}

/// <summary>What a <see cref="ClientWebSocket"/> sees when the server refuses the upgrade.</summary>
internal static class UpgradeRefusal
{
    /// <summary>Connects with a ClientWebSocket that must fail, and returns the HTTP status the server answered with.</summary>
    public static async Task<HttpStatusCode> StatusAsync(Uri url, Action<ClientWebSocketOptions>? configure = null)
    {
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(client.Options);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(url, timeout.Token));
        return client.HttpStatusCode;
    }
}
