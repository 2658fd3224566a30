using System.Net.WebSockets;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>Moving a polling session to WebSocket: probe, noop to the pending poll, upgrade.</summary>
public sealed class UpgradeTests
{
    [Fact]
    public async Task A_polling_session_upgrades_to_websocket()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var poll = await server.StartPollAsync(polling, sid).WithTimeout();
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();

        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync().WithTimeout());
        EngineAssert.Payload("6", await poll.WithTimeout());
        Assert.Equal("polling", server.Engine.GetSession(sid)?.Transport);

        await socket.SendTextAsync("5");
        await socket.SendTextAsync("4hello");

        Assert.Equal("4hello", await socket.ReceiveTextAsync().WithTimeout());
        Assert.Equal("websocket", server.Engine.GetSession(sid)?.Transport);
        await server.WaitForLogAsync(EngineEvents.Upgraded, sid).WithTimeout();
        EngineAssert.Error(await polling.PollAsync(sid).WithTimeout(), 3);
    }

    [Fact]
    public async Task A_second_websocket_for_an_upgraded_session_is_refused_and_the_first_keeps_working()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var socket = await server.UpgradeAsync(sid).WithTimeout();

        // The reference closes it right after the 101; this server refuses it before (plain 400).
        await Assert.ThrowsAnyAsync<WebSocketException>(() => RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout());

        await socket.SendTextAsync("4hello");
        Assert.Equal("4hello", await socket.ReceiveTextAsync().WithTimeout());
    }

    [Fact]
    public async Task A_second_websocket_during_an_upgrade_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var first = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();
        await first.SendTextAsync("2probe");
        Assert.Equal("3probe", await first.ReceiveTextAsync().WithTimeout());

        await Assert.ThrowsAnyAsync<WebSocketException>(() => RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout());

        await first.SendTextAsync("5");
        await first.SendTextAsync("4hello");
        Assert.Equal("4hello", await first.ReceiveTextAsync().WithTimeout());
    }

    [Fact]
    public async Task Messages_queued_during_the_upgrade_arrive_over_the_websocket_in_order()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var session = server.Engine.GetSession(sid)!;
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync().WithTimeout());

        // A poll during the upgrade gets a noop, so these stay queued for the new transport.
        EngineAssert.Payload("6", await polling.PollAsync(sid).WithTimeout());
        session.Send("a");
        session.Send("b");
        await socket.SendTextAsync("5");

        Assert.Equal("4a", await socket.ReceiveTextAsync().WithTimeout());
        Assert.Equal("4b", await socket.ReceiveTextAsync().WithTimeout());
    }

    [Fact]
    public async Task The_upgrade_packet_without_a_probe_is_accepted()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();

        await socket.SendTextAsync("5");
        await socket.SendTextAsync("4hello");

        Assert.Equal("4hello", await socket.ReceiveTextAsync().WithTimeout());
        Assert.Equal("websocket", server.Engine.GetSession(sid)?.Transport);
    }

    [Theory]
    [InlineData("4hello")]
    [InlineData("2foo")]
    [InlineData("abc")]
    public async Task An_unexpected_packet_during_the_probe_drops_the_websocket_and_the_session_stays_on_polling(string frame)
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();

        await socket.SendTextAsync(frame);

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForLogAsync(EngineEvents.UpgradeFailed, sid).WithTimeout();
        EngineAssert.Ok(await polling.PostAsync(sid, "4still polling").WithTimeout());
        EngineAssert.Payload("4still polling", await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task An_upgrade_that_never_completes_times_out_and_the_session_stays_on_polling()
    {
        var options = new EngineOptions { UpgradeTimeout = TimeSpan.FromSeconds(1) };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync().WithTimeout());

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.WaitClosedAsync().WithTimeout());

        await server.WaitForLogAsync(EngineEvents.UpgradeFailed, sid).WithTimeout();
        Assert.Equal("polling", server.Engine.GetSession(sid)?.Transport);
        EngineAssert.Ok(await polling.PostAsync(sid, "4hello").WithTimeout());
        EngineAssert.Payload("4hello", await polling.PollAsync(sid).WithTimeout());

        // And a later upgrade may still succeed.
        await using var second = await server.UpgradeAsync(sid).WithTimeout();
        await second.SendTextAsync("4over websocket");
        Assert.Equal("4over websocket", await second.ReceiveTextAsync().WithTimeout());
    }

    [Fact]
    public async Task A_session_closed_during_an_upgrade_drops_the_websocket()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout();
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync().WithTimeout());

        EngineAssert.Ok(await polling.PostAsync(sid, "1").WithTimeout());

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_websocket_upgrade_is_refused_when_upgrades_are_disabled()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { AllowUpgrades = false });
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        await Assert.ThrowsAnyAsync<WebSocketException>(() => RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}")).WithTimeout());

        Assert.Equal("polling", server.Engine.GetSession(sid)?.Transport);
    }
}
