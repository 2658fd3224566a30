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
        await using var client = await PollingClient.ConnectAsync();

        await client.Socket.Volatile.EmitAsync("dropped", 1);
        await client.Server.Io.Volatile.EmitAsync("dropped", 2);
        await client.Server.Io.To(client.Socket.Id).Volatile.EmitAsync("dropped", 3);
        await client.Socket.EmitAsync("kept", 4);

        Assert.Equal("42[\"kept\",4]", (await client.Polling.PollAsync(client.Sid)).Body);
    }

    [Fact]
    public async Task A_volatile_event_goes_out_on_a_waiting_poll()
    {
        await using var client = await PollingClient.ConnectAsync();

        var poll = await client.Server.StartPollAsync(client.Polling, client.Sid);
        await client.Socket.Volatile.EmitAsync("delivered", 1);

        Assert.Equal("42[\"delivered\",1]", (await poll.WithTimeout()).Body);
    }

    [Fact]
    public async Task Volatile_events_sent_while_the_session_upgrades_are_dropped_and_the_others_follow_on_the_websocket()
    {
        await using var client = await PollingClient.ConnectAsync();
        await using var ws = await RawWebSocket.ConnectAsync(client.Server.WebSocketUrl($"/socket.io/?EIO=4&transport=websocket&sid={client.Sid}"));
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveTextAsync());

        await client.Socket.Volatile.EmitAsync("dropped", 1);
        await client.Server.Io.Volatile.EmitAsync("dropped", 2);
        await client.Socket.EmitAsync("kept", 3);
        await ws.SendTextAsync("5");

        Assert.Equal("42[\"kept\",3]", await ws.ReceiveTextAsync());
    }

    /// <summary>A server without pings and a polling client joined to its main namespace, with no poll waiting.</summary>
    private sealed class PollingClient : IAsyncDisposable
    {
        private PollingClient(TestServer server, Polling polling, string sid, Socket socket)
        {
            Server = server;
            Polling = polling;
            Sid = sid;
            Socket = socket;
        }

        public TestServer Server { get; }

        public Polling Polling { get; }

        public string Sid { get; }

        /// <summary>The server's socket for the client.</summary>
        public Socket Socket { get; }

        public static async Task<PollingClient> ConnectAsync()
        {
            var sockets = new EventRecord<Socket>();

            // No pings: nothing but the test's events may reach the client.
            var server = await TestServer.StartAsync(o => o.PingInterval = TimeSpan.FromMinutes(5), io => io.OnConnection(sockets.Add));
            var polling = new Polling(server.Url, "/socket.io/");
            var (sid, _) = await polling.HandshakeAsync();
            Assert.Equal("ok", (await polling.PostAsync(sid, "40")).Body);
            Assert.StartsWith("40{\"sid\":", (await polling.PollAsync(sid)).Body, StringComparison.Ordinal);
            return new PollingClient(server, polling, sid, await sockets.WaitForAsync());
        }

        public async ValueTask DisposeAsync()
        {
            Polling.Dispose();
            await Server.DisposeAsync();
        }
    }
}
