using System.Net;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Server.Tests.WebSockets;

/// <summary>HttpServer and WsServer answer plain HTTP requests: 405 for other methods, 426 for a GET without an upgrade.</summary>
public sealed class HttpServerTests
{
    private static Task<ComponentServer> StartAsync(EchoComponent component) =>
        ComponentServer.StartAsync(app =>
        {
            app.MapWebSocketComponent("/pipeline", new HttpServer(new WsServer(component)));
            app.MapWebSocketComponent("/ws", component);
        });

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_request_with_another_method_than_GET_is_refused_with_405(string method)
    {
        await using var server = await StartAsync(new EchoComponent());
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TaskTimeouts.Default };

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/pipeline") { Content = new StringContent("hello") });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/pipeline")]
    [InlineData("/ws")]
    public async Task A_plain_GET_without_an_upgrade_is_answered_with_426(string path)
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component);
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TaskTimeouts.Default };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("websocket", response.Headers.Upgrade.Select(u => u.Name), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(0, component.Opened.Count);
    }

    [Fact]
    public async Task A_WebSocket_upgrade_passes_through_the_HTTP_stage()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component);

        using var client = await server.ConnectAsync("/pipeline");

        await client.SendTextAsync("hi");
        Assert.Equal("hi", await client.ReceiveTextAsync());
    }
}
