using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>Opening a session: the open packet over polling and over WebSocket.</summary>
public sealed partial class HandshakeTests
{
    private static readonly string[] HandshakeKeys = ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"];

    [Fact]
    public async Task Handshake_over_polling_returns_the_open_packet()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();

        using var response = await polling.Http.GetAsync(polling.Url("EIO=4&transport=polling")).WithTimeout();
        var body = await response.Content.ReadAsStringAsync().WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("0", body, StringComparison.Ordinal);
        var handshake = JsonDocument.Parse(body[1..]).RootElement;
        Assert.Equal(HandshakeKeys, handshake.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["websocket"], handshake.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(5000, handshake.GetProperty("pingInterval").GetInt32());
        Assert.Equal(5000, handshake.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, handshake.GetProperty("maxPayload").GetInt32());
        Assert.NotNull(server.Engine.GetSession(handshake.GetProperty("sid").GetString()!));
    }

    [Fact]
    public async Task Handshake_announces_the_reference_defaults_when_no_option_is_set()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions());
        using var polling = server.Polling();

        var (_, handshake) = await polling.HandshakeAsync().WithTimeout();

        Assert.Equal(25000, handshake.GetProperty("pingInterval").GetInt32());
        Assert.Equal(20000, handshake.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, handshake.GetProperty("maxPayload").GetInt32());
    }

    [Fact]
    public async Task Handshake_announces_the_configured_intervals_and_payload_limit()
    {
        var options = new EngineOptions { PingInterval = TimeSpan.FromMilliseconds(300), PingTimeout = TimeSpan.FromMilliseconds(200), MaxHttpBufferSize = 1000 };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();

        var (_, handshake) = await polling.HandshakeAsync().WithTimeout();

        Assert.Equal(300, handshake.GetProperty("pingInterval").GetInt32());
        Assert.Equal(200, handshake.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1000, handshake.GetProperty("maxPayload").GetInt32());
    }

    [Fact]
    public async Task Handshake_over_polling_offers_no_upgrade_when_upgrades_are_disabled()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { AllowUpgrades = false });
        using var polling = server.Polling();

        var (_, handshake) = await polling.HandshakeAsync().WithTimeout();

        Assert.Empty(handshake.GetProperty("upgrades").EnumerateArray());
    }

    [Fact]
    public async Task Handshake_over_websocket_sends_the_open_packet_first_with_no_upgrades()
    {
        await using var server = await TestServer.StartAsync();
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl()).WithTimeout();

        var (type, data) = await socket.ReceiveAsync().WithTimeout();

        Assert.Equal(WebSocketMessageType.Text, type);
        var open = System.Text.Encoding.UTF8.GetString(data);
        Assert.StartsWith("0", open, StringComparison.Ordinal);
        var handshake = JsonDocument.Parse(open[1..]).RootElement;
        Assert.Equal(HandshakeKeys, handshake.EnumerateObject().Select(p => p.Name));
        Assert.Empty(handshake.GetProperty("upgrades").EnumerateArray());
        Assert.Equal(1_000_000, handshake.GetProperty("maxPayload").GetInt32());
        var sid = handshake.GetProperty("sid").GetString()!;
        Assert.Equal("websocket", server.Engine.GetSession(sid)?.Transport);
    }

    [Fact]
    public async Task Sids_are_twenty_url_safe_characters_and_differ_across_a_hundred_handshakes()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();

        var sids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            var (sid, _) = await polling.HandshakeAsync().WithTimeout();
            Assert.Matches(UrlSafeSid(), sid);
            sids.Add(sid);
        }

        Assert.Equal(100, sids.Count);
        Assert.Equal(100, server.Engine.ClientsCount);
    }

    [Fact]
    public async Task A_handshake_is_logged_and_raises_the_connection_event()
    {
        await using var server = await TestServer.StartAsync();
        var connected = new TaskCompletionSource<EngineSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Engine.Connection += s => connected.TrySetResult(s);
        using var polling = server.Polling();

        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        var session = await connected.Task.WithTimeout();
        Assert.Equal(sid, session.Id);
        Assert.Equal("polling", session.Transport);
        Assert.True(session.IsOpen);
        await server.WaitForLogAsync(EngineEvents.SessionOpened, sid).WithTimeout();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{20}$")]
    private static partial Regex UrlSafeSid();
}
