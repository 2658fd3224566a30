using System.Text.Json;
using StackExchange.Redis;
using Switchboard.Interop.Tests.Harness;
using Switchboard.Redis.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Redis.Tests;

/// <summary>
/// Connection state recovery across servers with the Redis Streams adapter: the npm client, connected through a
/// <see cref="LoopbackProxy"/>, loses its server — killed with SIGKILL, or cut off — and its own reconnection brings it,
/// through the proxy, to another server of the cluster, which restores its session from Redis and replays what it
/// missed from the stream: the same socket id, rooms and data, <c>socket.recovered</c> true, and every number of a
/// numbered stream once and in order. Between Switchboard servers, and between Switchboard and a Node socket.io 4.8
/// server with @socket.io/redis-streams-adapter 0.3, both ways.
/// </summary>
public sealed class RedisStreamsRecoveryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    // A hang guard: a client whose server is killed reconnects after its reconnection delay (about a second).
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private readonly string _key = "test-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_client_whose_server_is_killed_recovers_at_another_server_with_every_numbered_message_once_and_in_order()
    {
        await using var doomed = await ProcessClusterServer.StartSwitchboardAsync("doomed", redis, _key);
        await using var survivor = await StartSwitchboardAsync("survivor");
        await using var rig = await Rig.StartAsync(doomed);

        await rig.RunAsync(survivor.Server.Io.To("stream"), async _ =>
        {
            // New connections go to the survivor; the killed server's own connection just dies.
            rig.Proxy.Restore(survivor.Url);
            await doomed.KillAsync();
        });
    }

    [Fact]
    public async Task A_client_cut_from_a_Node_server_recovers_at_a_Switchboard_server_with_every_numbered_message_once_and_in_order()
    {
        await using var node = await ProcessClusterServer.StartNodeAsync("node", redis, _key, NodeAdapter.Streams, recovery: true);
        await using var switchboard = await StartSwitchboardAsync("switchboard");
        await using var rig = await Rig.StartAsync(node);

        await rig.RunAsync(switchboard.Server.Io.To("stream"), async _ =>
        {
            rig.Proxy.Cut();

            // Node writes the session when it notices the cut; the client may only come back once it is there.
            await WaitForSessionAsync();
            rig.Proxy.Restore(switchboard.Url);
        });
    }

    [Fact]
    public async Task A_client_cut_from_a_Switchboard_server_recovers_at_a_Node_server_with_every_numbered_message_once_and_in_order()
    {
        await using var switchboard = await StartSwitchboardAsync("switchboard");
        await using var node = await ProcessClusterServer.StartNodeAsync("node", redis, _key, NodeAdapter.Streams, recovery: true);
        await using var rig = await Rig.StartAsync(switchboard);

        await rig.RunAsync(
            switchboard.Server.Io.To("stream"),
            async stream =>
            {
                // Switchboard keeps the session in Redis all along, and the final one from the moment it notices the cut.
                rig.Proxy.Cut();
                await stream.WaitForSentAsync(stream.Sent + 10);

                // Node's streams adapter replays the stream as it is when it restores a session and joins the rooms
                // only afterwards, so an event that arrives in between is lost (a race in the reference, seen here
                // once in a few runs); the stream holds while the client comes back to Node.
                await stream.PauseAsync();
                rig.Proxy.Restore(node.Url);
            },
            quietUntilRecovered: true);
    }

    [Fact]
    public async Task A_client_whose_offset_is_no_longer_in_the_stream_gets_a_fresh_session_and_the_server_says_why()
    {
        await using var first = await StartSwitchboardAsync("first");
        await using var second = await StartSwitchboardAsync("second");
        await using var rig = await Rig.StartAsync(first);
        await first.Server.Io.To("stream").EmitAsync("before");
        Assert.Equal("before", await rig.Clients.NextEventNameAsync("c", Outage));

        rig.Proxy.Cut();
        await using (var trimmer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            await trimmer.GetDatabase().StreamTrimAsync(_key, 0);
        }

        rig.Proxy.Restore(second.Url);

        var again = await rig.Clients.WaitForAsync("c", "connect", timeout: Outage);
        Assert.False(again.GetProperty("recovered").GetBoolean());
        Assert.NotEqual(rig.Id, again.GetProperty("id").GetString());
        var logged = await second.Server.Logs.WaitForAsync(e => e.EventId.Id == 314, Outage);
        Assert.Contains("the offset is no longer in the stream", logged.Message, StringComparison.Ordinal);
    }

    private Task<SwitchboardClusterServer> StartSwitchboardAsync(string name) =>
        SwitchboardClusterServer.StartAsync(
            name, SwitchboardClusterServer.RedisStreamsAdapterOn(redis, _key), configure: o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions());

    private async Task WaitForSessionAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        using var timeout = new CancellationTokenSource(Outage);
        while (!server.Keys(pattern: _key + ":session:*").Any())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    /// <summary>Client <c>c</c>, connected through a proxy to its first server with reconnection on, in room <c>stream</c> with data.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(LoopbackProxy proxy, NodeClientDriver clients, string id)
        {
            Proxy = proxy;
            Clients = clients;
            Id = id;
        }

        public LoopbackProxy Proxy { get; }

        public NodeClientDriver Clients { get; }

        /// <summary>The client's socket id on its first server.</summary>
        public string Id { get; }

        public static async Task<Rig> StartAsync(IClusterServer first)
        {
            var proxy = LoopbackProxy.Start(first.Url);
            var clients = await NodeClientDriver.StartAsync();
            await clients.ConnectAsync("c", proxy.SocketIOUrl(), new { transports = new[] { "websocket" }, reconnection = true });
            var connected = await clients.WaitForAsync("c", "connect");
            Assert.False(connected.GetProperty("recovered").GetBoolean());

            // Data first: a server that dies keeps the data its socket had at its last room change.
            await clients.EmitWithAckAsync("c", "set-data", "name", "first");
            await clients.EmitWithAckAsync("c", "join", "stream");
            return new Rig(proxy, clients, connected.GetProperty("id").GetString()!);
        }

        /// <summary>
        /// Runs a numbered stream to the room from <paramref name="emitter"/>; once the client has 1 to 10, has
        /// <paramref name="loseServer"/> take its server away (it may pause the stream, which then resumes once the
        /// client is back, with <paramref name="quietUntilRecovered"/>), and asserts that it recovers at the next server and gets
        /// every number once, in order, then what comes next.
        /// </summary>
        public async Task RunAsync(BroadcastOperator emitter, Func<NumberedStream, Task> loseServer, bool quietUntilRecovered = false)
        {
            await using var stream = new NumberedStream(emitter, Outage);
            await NumberedStream.ExpectAsync(Clients, "c", 1, 10, Outage);

            await loseServer(stream);
            if (!quietUntilRecovered)
            {
                await stream.WaitForSentAsync(stream.Sent + 10);
            }

            var again = await Clients.WaitForAsync("c", "connect", timeout: Outage);
            Assert.True(again.GetProperty("recovered").GetBoolean());
            Assert.Equal(Id, again.GetProperty("id").GetString());
            if (quietUntilRecovered)
            {
                stream.Resume();
            }

            await stream.WaitForSentAsync(stream.Sent + 10);
            await NumberedStream.ExpectAsync(Clients, "c", 11, await stream.StopAsync(), Outage);

            // Nothing after the last number but what comes next: no number twice.
            await emitter.EmitAsync("end");
            Assert.Equal("end", await Clients.NextEventNameAsync("c", Outage));

            // The new server has the socket with its rooms and data.
            var answer = await Clients.EmitWithAckAsync("c", "fetch-sockets", new { to = new[] { Id } });
            var socket = Assert.Single(answer[0].GetProperty("sockets").EnumerateArray());
            Assert.Equal(new[] { Id, "stream" }.Order(StringComparer.Ordinal), socket.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
            Assert.Equal("first", socket.GetProperty("data").GetProperty("name").GetString());
        }

        public async ValueTask DisposeAsync()
        {
            await Clients.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }
}
