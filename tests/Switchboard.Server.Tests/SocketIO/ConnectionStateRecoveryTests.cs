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
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);
        var (ws, connect) = await RawSocketIOClient.JoinAsync(server);
        await using var _ = ws;
        var socket = await sockets.WaitForAsync();

        Assert.Equal(JsonValueKind.String, connect.GetProperty("pid").ValueKind);
        await socket.EmitAsync("direct", 1);
        var direct = Event(await ws.ReceiveTextAsync());
        await server.Io.To("room").EmitAsync("to-room");
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
        var sockets = new EventRecord<Socket>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(sockets, disconnects);
        var (first, connect) = await RawSocketIOClient.JoinAsync(server);
        var socket = await sockets.WaitForAsync();
        socket.Data["name"] = "ada";
        await server.Io.To("room").EmitAsync("seen");
        var offset = Offset(Event(await first.ReceiveTextAsync()));

        await first.DisposeAsync();
        Assert.Equal("transport close", await disconnects.WaitForAsync());
        await server.Io.To("room").EmitAsync("missed", 1);
        await server.Io.To("other-room").EmitAsync("not-for-it");
        await server.Io.Except("room").EmitAsync("not-for-it");
        await server.Io.EmitAsync("missed", 2);
        await server.Io.Volatile.EmitAsync("not-kept");
        await server.Io.To(socket.Id).EmitAsync("missed", 3);

        var (second, again) = await RawSocketIOClient.JoinAsync(server, auth: Auth(connect, offset));
        await using var _ = second;
        Assert.Equal(connect.GetRawText(), again.GetRawText());
        foreach (var n in new[] { "1", "2", "3" })
        {
            Assert.Equal(["missed", n], Strings(Event(await second.ReceiveTextAsync()))[..2]);
        }

        await server.Io.To("room").EmitAsync("live");
        Assert.Equal("live", Strings(Event(await second.ReceiveTextAsync()))[0]);
        var recovered = (await sockets.WaitForCountAsync(2))[1];
        Assert.True(recovered.Recovered);
        Assert.Equal(socket.Id, recovered.Id);
        Assert.Equal("ada", recovered.Data["name"]);
        Assert.Equal(new HashSet<string> { socket.Id, "room" }, recovered.Rooms);
    }

    [Fact]
    public async Task A_client_that_received_nothing_before_the_drop_gets_everything_sent_since_it_connected()
    {
        var sockets = new EventRecord<Socket>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(sockets, disconnects);
        await server.Io.EmitAsync("before-it-connected");
        var (first, connect) = await RawSocketIOClient.JoinAsync(server);
        await sockets.WaitForAsync();

        await first.DisposeAsync();
        await disconnects.WaitForAsync();
        await server.Io.To("room").EmitAsync("missed");

        var (second, again) = await RawSocketIOClient.JoinAsync(server, auth: $$"""{"pid":{{connect.GetProperty("pid").GetRawText()}}}""");
        await using var _ = second;
        Assert.Equal(connect.GetRawText(), again.GetRawText());
        Assert.Equal("missed", Strings(Event(await second.ReceiveTextAsync()))[0]);
    }

    [Fact]
    public async Task An_unknown_pid_gets_a_fresh_session()
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);

        var (ws, connect) = await RawSocketIOClient.JoinAsync(server, auth: """{"pid":"never-issued","offset":"0"}""");
        await using var _ = ws;

        Assert.NotEqual("never-issued", connect.GetProperty("pid").GetString());
        var socket = await sockets.WaitForAsync();
        Assert.False(socket.Recovered);
        Assert.Equal(connect.GetProperty("sid").GetString(), socket.Id);
    }

    [Fact]
    public async Task A_client_that_left_the_namespace_on_purpose_cannot_recover()
    {
        var sockets = new EventRecord<Socket>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(sockets, disconnects);
        var (first, connect) = await RawSocketIOClient.JoinAsync(server);
        await using var _ = first;
        await server.Io.EmitAsync("seen");
        var offset = Offset(Event(await first.ReceiveTextAsync()));

        await first.SendTextAsync("41");
        Assert.Equal("client namespace disconnect", await disconnects.WaitForAsync());

        var (second, again) = await RawSocketIOClient.JoinAsync(server, auth: Auth(connect, offset));
        await using var __ = second;
        Assert.NotEqual(connect.GetProperty("sid").GetString(), again.GetProperty("sid").GetString());
        Assert.False((await sockets.WaitForCountAsync(2))[1].Recovered);
    }

    [Fact]
    public async Task A_client_whose_missed_events_no_longer_fit_the_buffer_gets_a_fresh_session()
    {
        var sockets = new EventRecord<Socket>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(sockets, disconnects, maxBufferedPackets: 2);
        var (first, connect) = await RawSocketIOClient.JoinAsync(server);
        await server.Io.EmitAsync("seen");
        var offset = Offset(Event(await first.ReceiveTextAsync()));

        await first.DisposeAsync();
        await disconnects.WaitForAsync();
        for (var i = 0; i < 3; i++)
        {
            await server.Io.EmitAsync("missed", i);
        }

        var (second, again) = await RawSocketIOClient.JoinAsync(server, auth: Auth(connect, offset));
        await using var _ = second;
        Assert.NotEqual(connect.GetProperty("sid").GetString(), again.GetProperty("sid").GetString());
        Assert.False((await sockets.WaitForCountAsync(2))[1].Recovered);
    }

    [Fact]
    public async Task With_no_events_buffered_broadcasts_still_flow_and_a_client_that_missed_nothing_still_recovers()
    {
        var sockets = new EventRecord<Socket>();
        var disconnects = new EventRecord<string>();
        await using var server = await StartServerAsync(sockets, disconnects, maxBufferedPackets: 0);
        var (first, connect) = await RawSocketIOClient.JoinAsync(server);
        await sockets.WaitForAsync();
        await server.Io.EmitAsync("seen");
        var offset = Offset(Event(await first.ReceiveTextAsync()));

        await first.DisposeAsync();
        await disconnects.WaitForAsync();
        var (second, again) = await RawSocketIOClient.JoinAsync(server, auth: Auth(connect, offset));
        await using var _ = second;

        Assert.Equal(connect.GetRawText(), again.GetRawText());
        await server.Io.EmitAsync("live");
        Assert.Equal("live", Strings(Event(await second.ReceiveTextAsync()))[0]);
    }

    [Theory, InlineData(true), InlineData(false)]
    public async Task SkipMiddlewares_decides_whether_a_recovering_client_goes_through_the_middleware_again(bool skip)
    {
        var sockets = new EventRecord<Socket>();
        var disconnects = new EventRecord<string>();
        var middleware = new EventRecord<bool>();
        await using var server = await StartServerAsync(sockets, disconnects, skipMiddlewares: skip, middleware: middleware);
        var (first, connect) = await RawSocketIOClient.JoinAsync(server);
        await server.Io.EmitAsync("seen");
        var offset = Offset(Event(await first.ReceiveTextAsync()));

        await first.DisposeAsync();
        await disconnects.WaitForAsync();
        var (second, again) = await RawSocketIOClient.JoinAsync(server, auth: Auth(connect, offset));
        await using var _ = second;

        Assert.Equal(connect.GetRawText(), again.GetRawText());
        Assert.True((await sockets.WaitForCountAsync(2))[1].Recovered);
        Assert.Equal(skip ? 1 : 2, middleware.Count);
    }

    private static Task<TestServer> StartServerAsync(
        EventRecord<Socket> sockets, EventRecord<string>? disconnects = null, int maxBufferedPackets = 100_000, bool skipMiddlewares = true, EventRecord<bool>? middleware = null) =>
        TestServer.StartAsync(
            o =>
            {
                o.PingInterval = TimeSpan.FromMinutes(5);
                o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxBufferedPackets = maxBufferedPackets, SkipMiddlewares = skipMiddlewares };
            },
            io =>
            {
                io.Use(socket =>
                {
                    middleware?.Add(true);
                    return Task.CompletedTask;
                });
                io.OnConnection(socket =>
                {
                    socket.Join("room");
                    socket.OnDisconnect(reason => disconnects?.Add(reason));
                    sockets.Add(socket);
                });
            });

    /// <summary>The auth payload of a client that lost its connection: its pid and the offset of the last event it got.</summary>
    private static string Auth(JsonElement connect, string offset) =>
        JsonSerializer.Serialize(new { pid = connect.GetProperty("pid").GetString(), offset });

    /// <summary>The arguments of a <c>42[...]</c> frame, event name first.</summary>
    private static JsonElement Event(string frame)
    {
        Assert.StartsWith("42[", frame, StringComparison.Ordinal);
        return JsonDocument.Parse(frame[2..]).RootElement.Clone();
    }

    private static string Offset(JsonElement e) => e[e.GetArrayLength() - 1].GetString()!;

    private static string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())];
}
