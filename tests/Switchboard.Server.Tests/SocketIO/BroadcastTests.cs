using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>Broadcasts: to a namespace, to everyone but the sender, to rooms.</summary>
public sealed class BroadcastTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_socket_broadcast_reaches_every_other_socket_of_its_namespace_only()
    {
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            io.OnConnection(socket => socket.On("say", (string text) => socket.Broadcast.EmitAsync("said", text)));
            io.Of("/other");
        });
        var (a, _) = await RawSocketIOClient.ConnectAsync(server);
        var (b, _) = await RawSocketIOClient.ConnectAsync(server);
        var (c, _) = await RawSocketIOClient.ConnectAsync(server);
        var (other, _) = await RawSocketIOClient.ConnectAsync(server, "/other");
        await using var _a = a;
        await using var _b = b;
        await using var _c = c;
        await using var _o = other;

        await a.SendTextAsync("42[\"say\",\"hi\"]");

        Assert.Equal("42[\"said\",\"hi\"]", await b.ReceiveTextAsync());
        Assert.Equal("42[\"said\",\"hi\"]", await c.ReceiveTextAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.ReceiveTextAsync(Quiet));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => other.ReceiveTextAsync(Quiet));
    }

    [Fact]
    public async Task A_namespace_emit_reaches_every_socket_of_that_namespace()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.Of("/news"));
        var (a, _) = await RawSocketIOClient.ConnectAsync(server, "/news");
        var (b, _) = await RawSocketIOClient.ConnectAsync(server, "/news");
        var (main, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _a = a;
        await using var _b = b;
        await using var _m = main;

        await server.Io.Of("/news").EmitAsync("headline", new { title = "t" }, new byte[] { 1 });

        foreach (var ws in new[] { a, b })
        {
            Assert.Equal("451-/news,[\"headline\",{\"title\":\"t\"},{\"_placeholder\":true,\"num\":0}]", await ws.ReceiveTextAsync());
            Assert.Equal(new byte[] { 1 }, (await ws.ReceiveAsync()).Data);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => main.ReceiveTextAsync(Quiet));
    }

    [Fact]
    public async Task Rooms_target_their_members_each_once_and_except_skips_members()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
            socket.On("join", (string[] rooms) =>
            {
                foreach (var room in rooms)
                {
                    socket.Join(room);
                }

                return socket.Rooms.Count;
            })));
        var (red, redId) = await RawSocketIOClient.ConnectAsync(server);
        var (both, _) = await RawSocketIOClient.ConnectAsync(server);
        var (blue, _) = await RawSocketIOClient.ConnectAsync(server);
        var (none, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _1 = red;
        await using var _2 = both;
        await using var _3 = blue;
        await using var _4 = none;
        await red.SendTextAsync("421[\"join\",[\"red\"]]");
        Assert.Equal("431[2]", await red.ReceiveTextAsync());
        await both.SendTextAsync("421[\"join\",[\"red\",\"blue\"]]");
        Assert.Equal("431[3]", await both.ReceiveTextAsync());
        await blue.SendTextAsync("421[\"join\",[\"blue\"]]");
        Assert.Equal("431[2]", await blue.ReceiveTextAsync());

        await server.Io.To("red").To("blue").EmitAsync("colour");
        await server.Io.To("blue").Except(redId).Except("nothing").EmitAsync("blue-only");
        await server.Io.Except("blue").EmitAsync("not-blue");

        Assert.Equal("42[\"colour\"]", await red.ReceiveTextAsync());
        Assert.Equal("42[\"not-blue\"]", await red.ReceiveTextAsync());
        Assert.Equal("42[\"colour\"]", await both.ReceiveTextAsync());
        Assert.Equal("42[\"blue-only\"]", await both.ReceiveTextAsync());
        Assert.Equal("42[\"colour\"]", await blue.ReceiveTextAsync());
        Assert.Equal("42[\"blue-only\"]", await blue.ReceiveTextAsync());
        Assert.Equal("42[\"not-blue\"]", await none.ReceiveTextAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => both.ReceiveTextAsync(Quiet));
    }

    [Fact]
    public async Task A_socket_to_a_room_skips_the_sender_and_leaving_stops_delivery()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.Join("room");
            socket.On("shout", (string text) => socket.To("room").EmitAsync("shouted", text));
            socket.On("leave", () =>
            {
                socket.Leave("room");
                return socket.Rooms.Contains("room");
            });
        }));
        var (a, _) = await RawSocketIOClient.ConnectAsync(server);
        var (b, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _a = a;
        await using var _b = b;

        await a.SendTextAsync("42[\"shout\",\"one\"]");
        Assert.Equal("42[\"shouted\",\"one\"]", await b.ReceiveTextAsync());

        await b.SendTextAsync("421[\"leave\"]");
        Assert.Equal("431[false]", await b.ReceiveTextAsync());
        await a.SendTextAsync("42[\"shout\",\"two\"]");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.ReceiveTextAsync(Quiet));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.ReceiveTextAsync(Quiet));
    }
}
