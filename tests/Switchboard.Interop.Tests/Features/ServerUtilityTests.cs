using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// The server utilities (Node's <c>fetchSockets</c>, <c>socketsJoin</c>, <c>socketsLeave</c>,
/// <c>disconnectSockets</c>, <c>serverSideEmit</c>, the <c>local</c> and <c>compress</c> flags) with the
/// real npm client: two clients, ann in the room vip and bob in none. Each client's events are read
/// up to an <c>end</c> event sent to everyone last, so an event delivered to the wrong client shows.
/// </summary>
public sealed class ServerUtilityTests
{
    [Fact]
    public async Task FetchSockets_describes_the_targeted_sockets_with_their_handshake_rooms_and_data()
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        var ids = await ConnectAnnAndBobAsync(node, server);

        var all = await server.Io.FetchSocketsAsync();
        var vip = Assert.Single(await server.Io.In("vip").FetchSocketsAsync());
        var notVip = Assert.Single(await server.Io.Except("vip").FetchSocketsAsync());

        Assert.Equal(ids.Values.Order(StringComparer.Ordinal), all.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ids["ann"], vip.Id);
        Assert.Equal("ann", vip.Handshake.Auth.GetProperty("name").GetString());
        Assert.Equal(new HashSet<string> { ids["ann"], "vip" }, vip.Rooms);
        Assert.Equal("ann", vip.Data["name"]);
        Assert.Equal(ids["bob"], notVip.Id);
        Assert.Empty(await server.Io.Of("/elsewhere").FetchSocketsAsync());
    }

    [Fact]
    public async Task A_fetched_socket_can_be_sent_to_moved_between_rooms_and_disconnected()
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        var ids = await ConnectAnnAndBobAsync(node, server);
        var ann = Assert.Single(await server.Io.In("vip").FetchSocketsAsync());

        await ann.EmitAsync("hello", 1);
        await ann.JoinAsync("x", "y");
        await ann.LeaveAsync("x", "vip");
        await server.Io.To("x").EmitAsync("to-x");
        await server.Io.To("y").EmitAsync("to-y");
        await server.Io.EmitAsync("end");

        Assert.Equal(["hello", "to-y", "end"], await node.EventNamesUntilAsync("ann", "end"));
        Assert.Equal(["end"], await node.EventNamesUntilAsync("bob", "end"));
        Assert.Equal(new HashSet<string> { ids["ann"], "y" }, server.Io.Sockets.Sockets[ids["ann"]].Rooms);

        await ann.DisconnectAsync();
        Assert.Equal("io server disconnect", (await node.WaitForAsync("ann", "disconnect")).GetProperty("reason").GetString());
        Assert.Equal("still here", (await node.EmitWithAckAsync("bob", "ping"))[0].GetString());
    }

    [Fact]
    public async Task SocketsJoin_and_SocketsLeave_move_the_targeted_sockets()
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAnnAndBobAsync(node, server);

        await server.Io.SocketsJoinAsync("everyone");
        await server.Io.In("vip").SocketsJoinAsync("lounge", "bar");
        await server.Io.To("everyone").EmitAsync("to-everyone");
        await server.Io.To("bar").EmitAsync("to-bar");
        await server.Io.SocketsLeaveAsync("everyone");
        await server.Io.Sockets.In("vip").SocketsLeaveAsync("bar");
        await server.Io.To("everyone", "bar").EmitAsync("after-leaving");
        await server.Io.To("lounge").EmitAsync("to-lounge");
        await server.Io.EmitAsync("end");

        Assert.Equal(["to-everyone", "to-bar", "to-lounge", "end"], await node.EventNamesUntilAsync("ann", "end"));
        Assert.Equal(["to-everyone", "end"], await node.EventNamesUntilAsync("bob", "end"));
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task DisconnectSockets_disconnects_only_the_targeted_sockets(bool close)
    {
        var reasons = new EventRecord<string>();
        await using var server = await StartServerAsync(reasons);
        await using var node = await NodeClientDriver.StartAsync();
        var ids = await ConnectAnnAndBobAsync(node, server);
        var annSession = server.Io.Sockets.Sockets[ids["ann"]].Connection;

        await server.Io.In("vip").DisconnectSocketsAsync(close);

        Assert.Equal("io server disconnect", (await node.WaitForAsync("ann", "disconnect")).GetProperty("reason").GetString());
        Assert.Equal([$"{ids["ann"]} server namespace disconnect"], await reasons.WaitForCountAsync(1));
        if (close)
        {
            Assert.False(annSession.IsOpen);
        }

        Assert.Equal("still here", (await node.EmitWithAckAsync("bob", "ping"))[0].GetString());
        Assert.Equal([ids["bob"]], server.Io.Sockets.Sockets.Keys);
    }

    [Fact]
    public async Task ServerSideEmit_on_a_lone_server_reaches_no_client_and_no_local_handler_and_collects_no_answers()
    {
        var handled = new EventRecord<string>();
        await using var server = await StartServerAsync();
        server.Io.OnServerSideEmit("config-changed", (int version) => handled.Add("version " + version));
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAnnAndBobAsync(node, server);

        await server.Io.ServerSideEmitAsync("config-changed", 2);
        var answers = await server.Io.ServerSideEmitWithAckAsync("config-changed", TimeSpan.FromSeconds(10), 3);
        await Assert.ThrowsAsync<ArgumentException>(() => server.Io.ServerSideEmitAsync("disconnect"));
        await server.Io.EmitAsync("end");

        Assert.Empty(answers);
        Assert.Equal(["end"], await node.EventNamesUntilAsync("ann", "end"));
        Assert.Equal(["end"], await node.EventNamesUntilAsync("bob", "end"));
        Assert.Equal(0, handled.Count);
    }

    [Fact]
    public async Task The_local_and_compress_flags_deliver_as_usual_on_a_lone_server()
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        var ids = await ConnectAnnAndBobAsync(node, server);

        await server.Io.Local.EmitAsync("local");
        await server.Io.Compress(false).To("vip").EmitAsync("uncompressed");
        await server.Io.Sockets.Sockets[ids["bob"]].Compress(false).EmitAsync("uncompressed-direct");
        await server.Io.EmitAsync("end");

        Assert.Equal(["local", "uncompressed", "end"], await node.EventNamesUntilAsync("ann", "end"));
        Assert.Equal(["local", "uncompressed-direct", "end"], await node.EventNamesUntilAsync("bob", "end"));
    }

    private static Task<TestServer> StartServerAsync(EventRecord<string>? disconnects = null) =>
        TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.Data["name"] = socket.Handshake.Auth.GetProperty("name").GetString();
            if (socket.Data["name"] is "ann")
            {
                socket.Join("vip");
            }

            socket.On("ping", () => "still here");
            socket.OnDisconnect(reason => disconnects?.Add($"{socket.Id} {reason}"));
        }));

    private static async Task<Dictionary<string, string>> ConnectAnnAndBobAsync(NodeClientDriver node, TestServer server)
    {
        var ids = new Dictionary<string, string>();
        foreach (var name in new[] { "ann", "bob" })
        {
            ids[name] = (await node.ConnectInModeAsync(name, server.Url.ToString(), "websocket", new { name })).GetProperty("id").GetString()!;
        }

        // The connection handlers (which join ann to vip) run once the CONNECT is out: wait for them.
        Assert.Equal("still here", (await node.EmitWithAckAsync("ann", "ping"))[0].GetString());
        Assert.Equal("still here", (await node.EmitWithAckAsync("bob", "ping"))[0].GetString());
        return ids;
    }
}
