using System.Text.Json;
using Switchboard.Server.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>
/// Connection state recovery on the wire: the CONNECT carries a private session id (<c>pid</c>),
/// stored events carry an offset as last argument, and a client that presents its pid and last
/// offset after losing its connection gets its id, rooms, data and exactly the events it missed.
/// </summary>
public sealed class ConnectionStateRecoveryTests
{
    [Fact]
    public async Task The_connect_carries_a_pid_and_stored_events_binary_ones_included_an_offset_but_acknowledged_and_volatile_ones_none()
    {
        await using var rig = await Rig.StartAsync();
        var (ws, connect) = await rig.JoinAsync();
        await using var _ = ws;
        var socket = await rig.Sockets.WaitForAsync();

        Assert.Equal(JsonValueKind.String, connect.GetProperty("pid").ValueKind);
        await socket.EmitAsync("direct", 1);
        var direct = Event(await ws.ReceiveTextAsync());
        await rig.Server.Io.To("room").EmitAsync("to-room");
        var toRoom = Event(await ws.ReceiveTextAsync());
        var ask = socket.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("ask");
        Assert.Equal("420[\"ask\"]", await ws.ReceiveTextAsync());
        await ws.SendTextAsync("430[\"answer\"]");
        Assert.Equal("answer", (await ask.WithTimeout()).Get<string>(0));
        await socket.Volatile.EmitAsync("volatile");
        Assert.Equal("42[\"volatile\"]", await ws.ReceiveTextAsync());
        await socket.EmitAsync("binary", new byte[] { 1, 2 });
        var binary = await ws.ReceiveTextAsync();
        Assert.Equal(new byte[] { 1, 2 }, (await ws.ReceiveAsync()).Data);

        Assert.Equal(["direct", "1", Offset(direct)], Strings(direct));
        Assert.Equal(["to-room", Offset(toRoom)], Strings(toRoom));
        Assert.NotEqual(Offset(direct), Offset(toRoom));
        Assert.StartsWith("451-[\"binary\",{\"_placeholder\":true,\"num\":0},\"", binary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_client_gets_back_its_id_rooms_and_data_and_exactly_the_events_it_was_sent_meanwhile()
    {
        await using var rig = await Rig.StartAsync();
        var (first, connect, offset) = await rig.JoinAndReceiveAsync();
        var socket = await rig.Sockets.WaitForAsync();
        socket.Data["name"] = "ada";

        Assert.Equal("transport close", await rig.DropAsync(first));
        await rig.Server.Io.To("room").EmitAsync("missed", 1);
        await rig.Server.Io.To("other-room").EmitAsync("not-for-it");
        await rig.Server.Io.Except("room").EmitAsync("not-for-it");
        await rig.Server.Io.EmitAsync("missed", 2);
        await rig.Server.Io.Volatile.EmitAsync("not-kept");
        await rig.Server.Io.To(socket.Id).EmitAsync("missed", 3);

        var (second, again) = await rig.ComeBackAsync(connect, offset);
        await using var _ = second;
        Assert.Equal(connect.GetRawText(), again.GetRawText());
        foreach (var n in new[] { "1", "2", "3" })
        {
            Assert.Equal(["missed", n], Strings(Event(await second.ReceiveTextAsync()))[..2]);
        }

        await rig.Server.Io.To("room").EmitAsync("live");
        Assert.Equal("live", Strings(Event(await second.ReceiveTextAsync()))[0]);
        var recovered = (await rig.Sockets.WaitForCountAsync(2))[1];
        Assert.True(recovered.Recovered);
        Assert.Equal(socket.Id, recovered.Id);
        Assert.Equal("ada", recovered.Data["name"]);
        Assert.Equal(new HashSet<string> { socket.Id, "room" }, recovered.Rooms);
    }

    [Fact]
    public async Task A_client_that_received_nothing_before_the_drop_gets_everything_sent_since_it_connected()
    {
        await using var rig = await Rig.StartAsync();
        await rig.Server.Io.EmitAsync("before-it-connected");
        var (first, connect) = await rig.JoinAsync();

        await rig.DropAsync(first);
        await rig.Server.Io.To("room").EmitAsync("missed");

        var (second, again) = await RawSocketIOClient.JoinAsync(rig.Server, auth: $$"""{"pid":{{connect.GetProperty("pid").GetRawText()}}}""");
        await using var _ = second;
        Assert.Equal(connect.GetRawText(), again.GetRawText());
        Assert.Equal("missed", Strings(Event(await second.ReceiveTextAsync()))[0]);
    }

    [Fact]
    public async Task An_unknown_pid_gets_a_fresh_session()
    {
        await using var rig = await Rig.StartAsync();

        var (ws, connect) = await RawSocketIOClient.JoinAsync(rig.Server, auth: """{"pid":"never-issued","offset":"0"}""");
        await using var _ = ws;

        Assert.NotEqual("never-issued", connect.GetProperty("pid").GetString());
        var socket = await rig.Sockets.WaitForAsync();
        Assert.False(socket.Recovered);
        Assert.Equal(connect.GetProperty("sid").GetString(), socket.Id);
    }

    [Fact]
    public async Task A_client_that_left_the_namespace_on_purpose_cannot_recover()
    {
        await using var rig = await Rig.StartAsync();
        var (first, connect, offset) = await rig.JoinAndReceiveAsync();
        await using var _ = first;

        await first.SendTextAsync("41");
        Assert.Equal("client namespace disconnect", await rig.Disconnects.WaitForAsync());

        await rig.AssertFreshSessionAsync(connect, offset);
    }

    [Fact]
    public async Task A_client_whose_missed_events_no_longer_fit_the_buffer_gets_a_fresh_session()
    {
        await using var rig = await Rig.StartAsync(maxBufferedPackets: 2);
        var (first, connect, offset) = await rig.JoinAndReceiveAsync();

        await rig.DropAsync(first);
        for (var i = 0; i < 3; i++)
        {
            await rig.Server.Io.EmitAsync("missed", i);
        }

        await rig.AssertFreshSessionAsync(connect, offset);
    }

    [Fact]
    public async Task With_no_events_buffered_broadcasts_still_flow_and_a_client_that_missed_nothing_still_recovers()
    {
        await using var rig = await Rig.StartAsync(maxBufferedPackets: 0);
        var (first, connect, offset) = await rig.JoinAndReceiveAsync();

        await rig.DropAsync(first);
        var (second, again) = await rig.ComeBackAsync(connect, offset);
        await using var _ = second;

        Assert.Equal(connect.GetRawText(), again.GetRawText());
        await rig.Server.Io.EmitAsync("live");
        Assert.Equal("live", Strings(Event(await second.ReceiveTextAsync()))[0]);
    }

    [Theory, InlineData(true), InlineData(false)]
    public async Task SkipMiddlewares_decides_whether_a_recovering_client_goes_through_the_middleware_again(bool skip)
    {
        await using var rig = await Rig.StartAsync(skipMiddlewares: skip);
        var (first, connect, offset) = await rig.JoinAndReceiveAsync();

        await rig.DropAsync(first);
        var (second, again) = await rig.ComeBackAsync(connect, offset);
        await using var _ = second;

        Assert.Equal(connect.GetRawText(), again.GetRawText());
        Assert.True((await rig.Sockets.WaitForCountAsync(2))[1].Recovered);
        Assert.Equal(skip ? 1 : 2, rig.MiddlewareRuns.Count);
    }

    /// <summary>The arguments of a <c>42[...]</c> frame, event name first.</summary>
    private static JsonElement Event(string frame)
    {
        Assert.StartsWith("42[", frame, StringComparison.Ordinal);
        return JsonDocument.Parse(frame[2..]).RootElement.Clone();
    }

    private static string Offset(JsonElement e) => e[e.GetArrayLength() - 1].GetString()!;

    private static string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())];

    /// <summary>A server with recovery on whose sockets join <c>room</c>, recording sockets, disconnect reasons and middleware runs.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(TestServer server) => Server = server;

        public TestServer Server { get; }

        public EventRecord<Socket> Sockets { get; } = new();

        public EventRecord<string> Disconnects { get; } = new();

        public EventRecord<bool> MiddlewareRuns { get; } = new();

        public static async Task<Rig> StartAsync(int maxBufferedPackets = 100_000, bool skipMiddlewares = true)
        {
            Rig? rig = null;
            var server = await TestServer.StartAsync(
                o =>
                {
                    o.PingInterval = TimeSpan.FromMinutes(5);
                    o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxBufferedPackets = maxBufferedPackets, SkipMiddlewares = skipMiddlewares };
                },
                io =>
                {
                    io.Use(_ =>
                    {
                        rig!.MiddlewareRuns.Add(true);
                        return Task.CompletedTask;
                    });
                    io.OnConnection(socket =>
                    {
                        socket.Join("room");
                        socket.OnDisconnect(rig!.Disconnects.Add);
                        rig.Sockets.Add(socket);
                    });
                });
            rig = new Rig(server);
            return rig;
        }

        /// <summary>Joins over WebSocket and returns once the connection handler has run (the socket is in <c>room</c>).</summary>
        public async Task<(RawWebSocket Socket, JsonElement Connect)> JoinAsync()
        {
            var before = Sockets.Count;
            var joined = await RawSocketIOClient.JoinAsync(Server);
            await Sockets.WaitForCountAsync(before + 1);
            return joined;
        }

        /// <summary>Joins and receives one event, so the client has an offset to come back with.</summary>
        public async Task<(RawWebSocket Socket, JsonElement Connect, string Offset)> JoinAndReceiveAsync()
        {
            var (ws, connect) = await JoinAsync();
            await Server.Io.EmitAsync("seen");
            return (ws, connect, Offset(Event(await ws.ReceiveTextAsync())));
        }

        /// <summary>Drops the connection without a word and returns the reason the server gave.</summary>
        public async Task<string> DropAsync(RawWebSocket ws)
        {
            var before = Disconnects.Count;
            await ws.DisposeAsync();
            return (await Disconnects.WaitForCountAsync(before + 1))[^1];
        }

        /// <summary>Joins again presenting the pid of <paramref name="connect"/> and <paramref name="offset"/>.</summary>
        public Task<(RawWebSocket Socket, JsonElement Connect)> ComeBackAsync(JsonElement connect, string offset) =>
            RawSocketIOClient.JoinAsync(Server, auth: JsonSerializer.Serialize(new { pid = connect.GetProperty("pid").GetString(), offset }));

        /// <summary>Comes back and checks that the server started a new session instead.</summary>
        public async Task AssertFreshSessionAsync(JsonElement connect, string offset)
        {
            var (ws, again) = await ComeBackAsync(connect, offset);
            await using var _ = ws;
            Assert.NotEqual(connect.GetProperty("sid").GetString(), again.GetProperty("sid").GetString());
            Assert.False((await Sockets.WaitForCountAsync(2))[1].Recovered);
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
