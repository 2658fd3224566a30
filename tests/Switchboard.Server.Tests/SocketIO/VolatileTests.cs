using Switchboard.Server.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>
/// The volatile flag on the wire, with a raw polling client that decides exactly when it polls: a
/// volatile event goes out only if the client can take it right now (a GET is waiting and the
/// session is not upgrading); otherwise it is dropped, while ordinary events wait their turn.
/// </summary>
public sealed class VolatileTests
{
    [Fact]
    public async Task Volatile_events_sent_while_no_poll_waits_are_dropped_and_the_others_wait_for_the_next_poll()
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);
        using var polling = new Polling(server.Url, "/socket.io/");
        var sid = await ConnectOverPollingAsync(polling);
        var socket = await sockets.WaitForAsync();

        await socket.Volatile.EmitAsync("dropped", 1);
        await server.Io.Volatile.EmitAsync("dropped", 2);
        await server.Io.To(socket.Id).Volatile.EmitAsync("dropped", 3);
        await socket.EmitAsync("kept", 4);

        Assert.Equal("42[\"kept\",4]", (await polling.PollAsync(sid)).Body);
    }

    [Fact]
    public async Task A_volatile_event_goes_out_on_a_waiting_poll()
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);
        using var polling = new Polling(server.Url, "/socket.io/");
        var sid = await ConnectOverPollingAsync(polling);
        var socket = await sockets.WaitForAsync();

        var poll = await server.StartPollAsync(polling, sid);
        await socket.Volatile.EmitAsync("delivered", 1);

        Assert.Equal("42[\"delivered\",1]", (await poll.WithTimeout()).Body);
    }

    [Fact]
    public async Task Volatile_events_sent_while_the_session_upgrades_are_dropped_and_the_others_follow_on_the_websocket()
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);
        using var polling = new Polling(server.Url, "/socket.io/");
        var sid = await ConnectOverPollingAsync(polling);
        var socket = await sockets.WaitForAsync();
        await using var ws = await RawWebSocket.ConnectAsync(server.WebSocketUrl($"/socket.io/?EIO=4&transport=websocket&sid={sid}"));
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveTextAsync());

        await socket.Volatile.EmitAsync("dropped", 1);
        await server.Io.Volatile.EmitAsync("dropped", 2);
        await socket.EmitAsync("kept", 3);
        await ws.SendTextAsync("5");

        Assert.Equal("42[\"kept\",3]", await ws.ReceiveTextAsync());
    }

    private static Task<TestServer> StartServerAsync(EventRecord<Socket> sockets) =>
        TestServer.StartAsync(
            // No pings: nothing but the test's events may reach the client.
            o => o.PingInterval = TimeSpan.FromMinutes(5),
            io => io.OnConnection(sockets.Add));

    /// <summary>Opens a polling session and joins the main namespace; afterwards no poll is waiting.</summary>
    private static async Task<string> ConnectOverPollingAsync(Polling polling)
    {
        var (sid, _) = await polling.HandshakeAsync();
        Assert.Equal("ok", (await polling.PostAsync(sid, "40")).Body);
        Assert.StartsWith("40{\"sid\":", (await polling.PollAsync(sid)).Body, StringComparison.Ordinal);
        return sid;
    }
}
