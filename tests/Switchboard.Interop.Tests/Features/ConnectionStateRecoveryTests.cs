using System.Text.Json;
using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Connection state recovery with the real npm client, whose connection is cut under it by a
/// <see cref="LoopbackProxy"/> and comes back by the client's own reconnection: within the window
/// it gets its socket id, rooms, data and every event it missed, once and in order, and
/// <c>socket.recovered</c> is true; too late, or at a server that never knew it, it starts afresh.
/// </summary>
public sealed class ConnectionStateRecoveryTests
{
    // A hang guard. Over polling, a cut between two polls shows only at the ping timeout.
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_numbered_stream_emitted_across_a_cut_arrives_complete_once_and_in_order_with_recovered_true(string mode)
    {
        var connections = new EventRecord<Connection>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(connections, disconnects);
        await using var proxy = LoopbackProxy.Start(server.Url);
        await using var node = await NodeClientDriver.StartAsync();
        var first = await node.ConnectInModeAsync("c", proxy.SocketIOUrl(), mode, reconnection: true);
        Assert.False(first.GetProperty("recovered").GetBoolean());
        var before = await connections.WaitForCountAsync(1);

        await using var stream = new NumberedStream(server.Io.To("stream"));
        var next = 1;
        for (; next <= 10; next++)
        {
            Assert.Equal(next, await NextNumberAsync(node));
        }

        var disconnectsBefore = disconnects.Count;
        proxy.Cut();
        var reason = (await disconnects.WaitForCountAsync(disconnectsBefore + 1, Outage))[^1];
        Assert.True(DisconnectReason.IsRecoverable(reason), reason);
        await stream.WaitForSentAsync(stream.Sent + 10);
        proxy.Restore();

        var again = await node.WaitForAsync("c", "connect", timeout: Outage);
        Assert.True(again.GetProperty("recovered").GetBoolean());
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        var recovered = (await connections.WaitForCountAsync(2))[1];
        Assert.Equal(new Connection(before[0].Id, Recovered: true, Name: "first"), recovered);

        await stream.WaitForSentAsync(stream.Sent + 10);
        var last = await stream.StopAsync();
        for (; next <= last; next++)
        {
            Assert.Equal(next, await NextNumberAsync(node));
        }

        // Nothing after the last number but what comes next: no number twice.
        await server.Io.To("stream").EmitAsync("end");
        Assert.Equal("end", (await node.WaitForAsync("c", "event")).GetProperty("event").GetString());
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_back_after_the_recovery_window_gets_a_fresh_session_without_the_missed_events(string mode)
    {
        var clock = new AdjustableClock();
        var connections = new EventRecord<Connection>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(connections, disconnects, clock);
        await using var proxy = LoopbackProxy.Start(server.Url);
        await using var node = await NodeClientDriver.StartAsync();
        var first = await node.ConnectInModeAsync("c", proxy.SocketIOUrl(), mode, reconnection: true);
        await connections.WaitForCountAsync(1);
        await server.Io.To("stream").EmitAsync("before");
        Assert.Equal("before", await node.NextEventNameAsync("c", Outage));

        proxy.Cut();
        await disconnects.WaitForCountAsync(1, Outage);
        await server.Io.To("stream").EmitAsync("missed");
        clock.Advance(server.Io.Options.ConnectionStateRecovery!.MaxDisconnectionDuration + TimeSpan.FromSeconds(1));
        proxy.Restore();

        var again = await node.WaitForAsync("c", "connect", timeout: Outage);
        Assert.False(again.GetProperty("recovered").GetBoolean());
        Assert.NotEqual(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        var fresh = (await connections.WaitForCountAsync(2))[1];
        Assert.False(fresh.Recovered);
        Assert.Null(fresh.Name);

        // A replay of "missed" would have been queued right behind the CONNECT, before this.
        await server.Io.To("stream").EmitAsync("after");
        Assert.Equal("after", await node.NextEventNameAsync("c", Outage));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_that_comes_back_to_a_server_that_never_knew_its_session_gets_a_fresh_one(string mode)
    {
        var connections = new EventRecord<Connection>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(connections, disconnects);
        await using var proxy = LoopbackProxy.Start(server.Url);
        await using var node = await NodeClientDriver.StartAsync();
        var first = await node.ConnectInModeAsync("c", proxy.SocketIOUrl(), mode, reconnection: true);
        await connections.WaitForCountAsync(1);
        await server.Io.To("stream").EmitAsync("before");
        Assert.Equal("before", await node.NextEventNameAsync("c", Outage));

        var replacementConnections = new EventRecord<Connection>();
        await using var replacement = await StartServerAsync(replacementConnections, new EventRecord<string>());
        proxy.Cut();
        proxy.Restore(replacement.Url);

        var again = await node.WaitForAsync("c", "connect", timeout: Outage);
        Assert.False(again.GetProperty("recovered").GetBoolean());
        Assert.NotEqual(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        var fresh = await replacementConnections.WaitForAsync();
        Assert.False(fresh.Recovered);

        // The client did ask for its session back: its CONNECT carried the pid and the offset it had.
        var socket = replacement.Io.Sockets.Sockets[fresh.Id];
        Assert.Equal(JsonValueKind.String, socket.Handshake.Auth.GetProperty("pid").ValueKind);
        Assert.Equal(JsonValueKind.String, socket.Handshake.Auth.GetProperty("offset").ValueKind);
    }

    private static Task<TestServer> StartServerAsync(EventRecord<Connection> connections, EventRecord<string> disconnects, TimeProvider? clock = null) =>
        TestServer.StartAsync(
            o =>
            {
                o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions();

                // A polling client cut between two polls is noticed only when it misses a pong.
                o.PingInterval = TimeSpan.FromSeconds(1);
                o.PingTimeout = TimeSpan.FromSeconds(4);
            },
            io => io.OnConnection(socket =>
            {
                // Data set on a first connection is what a recovered one must find.
                var name = socket.Data.GetValueOrDefault("name") as string;
                socket.Data.TryAdd("name", "first");
                socket.Join("stream");
                socket.OnDisconnect(disconnects.Add);
                connections.Add(new Connection(socket.Id, socket.Recovered, name));
            }),
            clock: clock);

    private static async Task<int> NextNumberAsync(NodeClientDriver node)
    {
        var e = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "n", Outage);
        var args = e.GetProperty("args");
        Assert.Equal(2, args.GetArrayLength());

        // With recovery on, the server appends the event's offset, as the reference does.
        Assert.Equal(JsonValueKind.String, args[1].ValueKind);
        return args[0].GetInt32();
    }

    /// <summary>What the connection handler saw of a socket.</summary>
    private sealed record Connection(string Id, bool Recovered, string? Name);

    /// <summary>The server emits 1, 2, 3, … to a room, paced, until stopped.</summary>
    private sealed class NumberedStream : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly EventRecord<int> _sent = new();
        private readonly Task _loop;

        public NumberedStream(BroadcastOperator target) => _loop = Task.Run(() => RunAsync(target));

        public int Sent => _sent.Count;

        public Task WaitForSentAsync(int count) => _sent.WaitForCountAsync(count, Outage);

        /// <summary>Stops the stream and returns the last number sent.</summary>
        public async Task<int> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop.WaitAsync(Outage);
            return _sent.Count;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task RunAsync(BroadcastOperator target)
        {
            for (var n = 1; !_stop.IsCancellationRequested; n++)
            {
                await target.EmitAsync("n", n);
                _sent.Add(n);
                try
                {
                    // Paced so that the stream spans the cut without flooding the client's queue.
                    await Task.Delay(2, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
