using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>
/// <see cref="EngineOptions.Transports"/>: a server with one transport serves it alone and
/// refuses the other with code 0 (Transport unknown), as the reference does.
/// </summary>
public sealed class TransportOptionTests
{
    private static EngineOptions PollingOnly => new() { Transports = EngineTransports.Polling };

    private static EngineOptions WebSocketOnly => new() { Transports = EngineTransports.WebSocket };

    [Fact]
    public async Task Polling_only_answers_a_websocket_handshake_as_plain_http_with_code_0()
    {
        // The reference listens for no upgrade without WebSocket, so Node answers it as a request: JSON 400.
        await using var server = await TestServer.StartAsync(engineOptions: PollingOnly);
        using var polling = server.Polling();

        using var response = await SendUpgradeRequestAsync(polling, "EIO=4&transport=websocket");

        await EngineAssert.ErrorAsync(response, 0);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => RawWebSocket.ConnectAsync(server.EngineWebSocketUrl()).WithTimeout());
        Assert.Equal(0, server.Engine.ClientsCount);
    }

    [Fact]
    public async Task Polling_only_offers_no_upgrade_and_refuses_one_with_code_0()
    {
        await using var server = await TestServer.StartAsync(engineOptions: PollingOnly);
        using var polling = server.Polling();
        var (sid, handshake) = await polling.HandshakeAsync().WithTimeout();

        using var response = await SendUpgradeRequestAsync(polling, $"EIO=4&transport=websocket&sid={sid}");

        Assert.Empty(handshake.GetProperty("upgrades").EnumerateArray());
        await EngineAssert.ErrorAsync(response, 0);
        Assert.Equal("polling", server.Engine.GetSession(sid)?.Transport);
        EngineAssert.Ok(await polling.PostAsync(sid, "4still polling").WithTimeout());
        EngineAssert.Payload("4still polling", await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task Polling_only_answers_an_upgrade_request_for_polling_with_a_polling_handshake()
    {
        await using var server = await TestServer.StartAsync(engineOptions: PollingOnly);
        using var polling = server.Polling();

        using var response = await SendUpgradeRequestAsync(polling, "EIO=4&transport=polling");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.StartsWith("0{", body, StringComparison.Ordinal);
        var sid = JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString()!;
        Assert.Equal("polling", server.Engine.GetSession(sid)?.Transport);
    }

    [Fact]
    public async Task Websocket_only_serves_websocket_sessions_and_refuses_polls_with_code_0()
    {
        await using var server = await TestServer.StartAsync(engineOptions: WebSocketOnly);
        using var polling = server.Polling();

        var (socket, sid, handshake) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using (socket)
        {
            Assert.Empty(handshake.GetProperty("upgrades").EnumerateArray());
            await socket.SendTextAsync("4over websocket");
            Assert.Equal("4over websocket", await socket.ReceiveTextAsync().WithTimeout());

            EngineAssert.Error(await polling.GetAsync("EIO=4&transport=polling").WithTimeout(), 0);
            EngineAssert.Error(await polling.PollAsync(sid).WithTimeout(), 0);
            EngineAssert.Error(await polling.PostAsync(sid, "4no").WithTimeout(), 0);
            Assert.Equal(1, server.Engine.ClientsCount);
        }
    }

    /// <summary>A WebSocket opening handshake (RFC 6455 §4.1) sent as an ordinary HTTP request, so its answer can be read.</summary>
    private static async Task<HttpResponseMessage> SendUpgradeRequestAsync(Polling polling, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, polling.Url(query));
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        return await polling.Http.SendAsync(request).WithTimeout();
    }
}
