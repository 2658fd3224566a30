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
        await using var rig = await Rig.StartAsync(mode);
        var first = (await rig.Connections.WaitForCountAsync(1))[0];

        await using var stream = new NumberedStream(rig.Server.Io.To("stream"), Outage);
        await NumberedStream.ExpectAsync(rig.Node, "c", 1, 10, Outage);

        var reason = await rig.CutAsync();
        Assert.True(DisconnectReason.IsRecoverable(reason), reason);
        await stream.WaitForSentAsync(stream.Sent + 10);
        rig.Proxy.Restore();

        var again = await rig.Node.WaitForAsync("c", "connect", timeout: Outage);
        Assert.True(again.GetProperty("recovered").GetBoolean());
        Assert.Equal(first.Id, again.GetProperty("id").GetString());
        Assert.Equal(new Connection(first.Id, Recovered: true, Name: "first"), (await rig.Connections.WaitForCountAsync(2))[1]);

        await stream.WaitForSentAsync(stream.Sent + 10);
        await NumberedStream.ExpectAsync(rig.Node, "c", 11, await stream.StopAsync(), Outage);

        // Nothing after the last number but what comes next: no number twice.
        await rig.Server.Io.To("stream").EmitAsync("end");
        Assert.Equal("end", await rig.Node.NextEventNameAsync("c", Outage));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_back_after_the_recovery_window_gets_a_fresh_session_without_the_missed_events(string mode)
    {
        var clock = new AdjustableClock();
        await using var rig = await Rig.StartAsync(mode, clock);
        await rig.ReceiveOneEventAsync();

        await rig.CutAsync();
        await rig.Server.Io.To("stream").EmitAsync("missed");
        clock.Advance(rig.Server.Io.Options.ConnectionStateRecovery!.MaxDisconnectionDuration + TimeSpan.FromSeconds(1));
        rig.Proxy.Restore();

        await rig.AssertFreshConnectAsync();
        var fresh = (await rig.Connections.WaitForCountAsync(2))[1];
        Assert.False(fresh.Recovered);
        Assert.Null(fresh.Name);

        // A replay of "missed" would have been queued right behind the CONNECT, before this.
        await rig.Server.Io.To("stream").EmitAsync("after");
        Assert.Equal("after", await rig.Node.NextEventNameAsync("c", Outage));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_that_comes_back_to_a_server_that_never_knew_its_session_gets_a_fresh_one(string mode)
    {
        await using var rig = await Rig.StartAsync(mode);
        await rig.ReceiveOneEventAsync();

        var replacementConnections = new EventRecord<Connection>();
        await using var replacement = await StartServerAsync(replacementConnections, new EventRecord<string>());
        rig.Proxy.Cut();
        rig.Proxy.Restore(replacement.Url);

        await rig.AssertFreshConnectAsync();
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

    /// <summary>What the connection handler saw of a socket.</summary>
    private sealed record Connection(string Id, bool Recovered, string? Name);

    /// <summary>A server with recovery on, a proxy in front of it, and client <c>c</c> connected through the proxy with reconnection on.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(EventRecord<Connection> connections, EventRecord<string> disconnects, TestServer server, LoopbackProxy proxy, NodeClientDriver node, JsonElement first)
        {
            Connections = connections;
            Disconnects = disconnects;
            Server = server;
            Proxy = proxy;
            Node = node;
            First = first;
        }

        public TestServer Server { get; }

        public LoopbackProxy Proxy { get; }

        public NodeClientDriver Node { get; }

        /// <summary>The client's first connect event.</summary>
        public JsonElement First { get; }

        /// <summary>What the connection handler saw, one entry per connection.</summary>
        public EventRecord<Connection> Connections { get; }

        /// <summary>The reasons the server gave for each disconnection.</summary>
        public EventRecord<string> Disconnects { get; }

        public static async Task<Rig> StartAsync(string mode, TimeProvider? clock = null)
        {
            var connections = new EventRecord<Connection>();
            var disconnects = new EventRecord<string>();
            var server = await StartServerAsync(connections, disconnects, clock);
            var proxy = LoopbackProxy.Start(server.Url);
            var node = await NodeClientDriver.StartAsync();
            var first = await node.ConnectInModeAsync("c", proxy.SocketIOUrl(), mode, reconnection: true);
            Assert.False(first.GetProperty("recovered").GetBoolean());
            await connections.WaitForCountAsync(1);
            return new Rig(connections, disconnects, server, proxy, node, first);
        }

        /// <summary>The server sends the client one event, so the client has an offset to come back with.</summary>
        public async Task ReceiveOneEventAsync()
        {
            await Server.Io.To("stream").EmitAsync("before");
            Assert.Equal("before", await Node.NextEventNameAsync("c", Outage));
        }

        /// <summary>Cuts the client's connection and returns the reason the server gave once it noticed.</summary>
        public async Task<string> CutAsync()
        {
            var before = Disconnects.Count;
            Proxy.Cut();
            return (await Disconnects.WaitForCountAsync(before + 1, Outage))[^1];
        }

        /// <summary>Waits for the client's next connect and checks it is a new session.</summary>
        public async Task AssertFreshConnectAsync()
        {
            var again = await Node.WaitForAsync("c", "connect", timeout: Outage);
            Assert.False(again.GetProperty("recovered").GetBoolean());
            Assert.NotEqual(First.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        }

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            await Proxy.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
