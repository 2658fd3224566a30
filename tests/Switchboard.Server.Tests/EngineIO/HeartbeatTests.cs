using System.Net;
using System.Text;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>The server pings, the client pongs; a client that stops answering is dropped.</summary>
public sealed class HeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(1000);

    private static EngineOptions FastHeartbeat() => new() { PingInterval = Interval, PingTimeout = Timeout };

    [Fact]
    public async Task A_polling_client_that_answers_every_ping_stays_connected()
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat());
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        for (var i = 0; i < 3; i++)
        {
            EngineAssert.Payload("2", await polling.PollAsync(sid).WithTimeout());
            EngineAssert.Ok(await polling.PostAsync(sid, "3").WithTimeout());
        }

        Assert.True(server.Engine.GetSession(sid)?.IsOpen);
    }

    [Fact]
    public async Task A_polling_client_that_never_answers_a_ping_is_closed_with_ping_timeout()
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat());
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        // Keep polling without ever sending a pong: the pings ("2") and then the close ("1") come
        // back, until the session is gone. Bounded by the deadline, not by a sleep.
        using var deadline = new CancellationTokenSource(TaskTimeouts.Default);
        var bodies = new List<string>();
        while (true)
        {
            var (status, body) = await polling.PollAsync(sid, deadline.Token);
            if (status == HttpStatusCode.BadRequest)
            {
                EngineAssert.UnknownSid((status, body));
                break;
            }

            Assert.Equal(HttpStatusCode.OK, status);
            bodies.Add(body);
        }

        Assert.Equal("2", bodies[0]);
        Assert.All(bodies, b => Assert.Contains(b, new[] { "2", "1" }));
        await server.WaitForLogAsync(EngineEvents.SessionClosed, $"{sid} closed: ping timeout").WithTimeout();
    }

    [Fact]
    public async Task A_polling_client_that_answers_late_is_closed_even_without_polling()
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat());
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        await server.WaitForLogAsync(EngineEvents.SessionClosed, $"{sid} closed: ping timeout").WithTimeout();

        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_message_while_a_ping_is_outstanding_restarts_the_ping_timeout()
    {
        // engine.io 6.6.13: the first non-pong packet of a ping cycle restarts the ping timeout, so
        // a client busy sending may pong late. Ping timeout 1.5 s; a message 0.5 s after the ping
        // moves the deadline to 2 s; the pong at 1.6 s is past the first deadline, within the second.
        var pingTimeout = TimeSpan.FromMilliseconds(1500);
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { PingInterval = Interval, PingTimeout = pingTimeout });
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        Assert.Equal("2", await socket.ReceiveTextAsync().WithTimeout());
        var pinged = System.Diagnostics.Stopwatch.StartNew();

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await socket.SendTextAsync("4busy");
        Assert.Equal("4busy", await socket.ReceiveTextAsync().WithTimeout());
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (pingTimeout + TimeSpan.FromMilliseconds(100) - pinged.Elapsed).Ticks)));
        await socket.SendTextAsync("3");

        Assert.Equal("2", await socket.ReceiveTextAsync().WithTimeout());
        Assert.True(server.Engine.GetSession(sid)?.IsOpen);
    }

    [Fact]
    public async Task A_websocket_client_that_answers_every_ping_stays_connected()
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat());
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("2", await socket.ReceiveTextAsync().WithTimeout());
            await socket.SendTextAsync("3");
        }

        await socket.SendTextAsync("4still");
        Assert.Equal("4still", await socket.ReceiveTextAsync().WithTimeout());
        Assert.True(server.Engine.GetSession(sid)?.IsOpen);
    }

    [Fact]
    public async Task A_websocket_client_that_never_answers_a_ping_is_closed_with_ping_timeout()
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat());
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        Assert.Equal("2", await socket.ReceiveTextAsync().WithTimeout());

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForLogAsync(EngineEvents.SessionClosed, $"{sid} closed: ping timeout").WithTimeout();
        Assert.Null(server.Engine.GetSession(sid));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_websocket_client_that_answers_neither_ping_nor_close_frame_is_cut_off(bool handoff)
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat(), handoff: handoff);
        await using var client = await RawFrameClient.ConnectAsync(server.EngineWebSocketUrl());

        Assert.Equal("0", Encoding.UTF8.GetString((await client.ReceiveFrameAsync())!.Payload)[..1]);
        Assert.Equal("2", Encoding.UTF8.GetString((await client.ReceiveFrameAsync())!.Payload));
        await client.ReceiveCloseAsync();

        // The server waits a moment for the answer to its close frame, then drops the connection.
        Assert.Null(await client.ReceiveFrameAsync());
    }

    [Fact]
    public async Task The_next_ping_comes_a_ping_interval_after_the_pong()
    {
        await using var server = await TestServer.StartAsync(engineOptions: FastHeartbeat());
        var (socket, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        Assert.Equal("2", await socket.ReceiveTextAsync().WithTimeout());

        await socket.SendTextAsync("3");
        var answered = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("2", await socket.ReceiveTextAsync().WithTimeout());

        // A lower bound only (a loaded machine may be late, never early); 50 ms of timer slack.
        Assert.True(answered.Elapsed >= Interval - TimeSpan.FromMilliseconds(50), $"next ping after {answered.Elapsed}");
    }
}
