using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Rooms and exceptions with the real npm client: four clients in the rooms red, red+blue, blue and
/// none. Each client's events are read up to an <c>end</c> event sent to everyone last; a client's
/// events arrive in order, so one delivered twice, or to the wrong client, shows up before it.
/// </summary>
public sealed class RoomsTests
{
    private static readonly string[] Clients = ["red", "both", "blue", "none"];

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_broadcast_to_several_rooms_reaches_each_member_once_and_nobody_else(string mode)
    {
        await using var server = await TestServer.StartAsync(setup: Setup);
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAndJoinAsync(node, server, mode);

        await server.Io.To("red", "blue").EmitAsync("news", 1);
        await server.Io.Sockets.In("red").In("blue").EmitAsync("news", 2);
        await server.Io.EmitAsync("end");

        Assert.Equal(["news", "news", "end"], await node.EventNamesUntilAsync("red", "end"));
        Assert.Equal(["news", "news", "end"], await node.EventNamesUntilAsync("both", "end"));
        Assert.Equal(["news", "news", "end"], await node.EventNamesUntilAsync("blue", "end"));
        Assert.Equal(["end"], await node.EventNamesUntilAsync("none", "end"));
    }

    [Fact]
    public async Task Except_skips_the_members_of_a_room_and_a_socket_id_names_that_socket()
    {
        await using var server = await TestServer.StartAsync(setup: Setup);
        await using var node = await NodeClientDriver.StartAsync();
        var ids = await ConnectAndJoinAsync(node, server, "websocket");

        await server.Io.To("red").Except("blue").EmitAsync("red-not-blue");
        await server.Io.Except("red").EmitAsync("not-red");
        await server.Io.Sockets.Except(["red", "blue"]).EmitAsync("in-neither");
        await server.Io.Except(ids["both"]).EmitAsync("not-both");
        await server.Io.EmitAsync("end");

        Assert.Equal(["red-not-blue", "not-both", "end"], await node.EventNamesUntilAsync("red", "end"));
        Assert.Equal(["end"], await node.EventNamesUntilAsync("both", "end"));
        Assert.Equal(["not-red", "not-both", "end"], await node.EventNamesUntilAsync("blue", "end"));
        Assert.Equal(["not-red", "in-neither", "not-both", "end"], await node.EventNamesUntilAsync("none", "end"));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_socket_broadcast_to_rooms_skips_its_sender(string mode)
    {
        await using var server = await TestServer.StartAsync(setup: Setup);
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAndJoinAsync(node, server, mode);

        // "both" is in both rooms; "red" sends to everyone outside blue.
        Assert.True((await node.EmitWithAckAsync("both", "to-rooms", new[] { "red", "blue" }, "shout"))[0].GetBoolean());
        Assert.True((await node.EmitWithAckAsync("red", "except-room", "blue", "whisper"))[0].GetBoolean());
        await server.Io.EmitAsync("end");

        Assert.Equal(["shout", "end"], await node.EventNamesUntilAsync("red", "end"));
        Assert.Equal(["end"], await node.EventNamesUntilAsync("both", "end"));
        Assert.Equal(["shout", "end"], await node.EventNamesUntilAsync("blue", "end"));
        Assert.Equal(["whisper", "end"], await node.EventNamesUntilAsync("none", "end"));
    }

    [Fact]
    public async Task Leaving_a_room_stops_its_broadcasts_and_the_adapter_reports_each_step()
    {
        var changes = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            Setup(io);
            io.Sockets.Adapter.RoomCreated += room => changes.Add("created " + room);
            io.Sockets.Adapter.RoomJoined += (room, id) => changes.Add($"joined {room} {id}");
            io.Sockets.Adapter.RoomLeft += (room, id) => changes.Add($"left {room} {id}");
            io.Sockets.Adapter.RoomDeleted += room => changes.Add("deleted " + room);
        });
        await using var node = await NodeClientDriver.StartAsync();
        var id = (await node.ConnectInModeAsync("c", server.Url.ToString(), "websocket")).GetProperty("id").GetString()!;
        var joinedOwnRoom = changes.Count;
        Assert.True((await node.EmitWithAckAsync("c", "join", [new[] { "solo" }]))[0].GetBoolean());
        await server.Io.To("solo").EmitAsync("while-in");

        Assert.True((await node.EmitWithAckAsync("c", "leave", "solo"))[0].GetBoolean());
        await server.Io.To("solo").EmitAsync("after-leaving");
        await server.Io.EmitAsync("end");

        Assert.Equal(["while-in", "end"], await node.EventNamesUntilAsync("c", "end"));
        Assert.Equal([$"created {id}", $"joined {id} {id}"], changes.Snapshot().Take(joinedOwnRoom));
        Assert.Equal(["created solo", $"joined solo {id}", $"left solo {id}", "deleted solo"], changes.Snapshot().Skip(joinedOwnRoom));
        Assert.DoesNotContain("solo", await server.Io.Sockets.Adapter.AllRoomsAsync());
    }

    [Fact]
    public async Task Disconnecting_handlers_still_see_the_rooms_that_disconnect_handlers_no_longer_see()
    {
        var seen = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.On("join", (string[] rooms) =>
            {
                socket.Join(rooms);
                return true;
            });
            socket.OnDisconnecting(reason => seen.Add($"disconnecting {reason}: {string.Join(",", socket.Rooms.Order(StringComparer.Ordinal))}"));
            socket.OnDisconnect(reason => seen.Add($"disconnect {reason}: {socket.Rooms.Count} rooms"));
        }));
        await using var node = await NodeClientDriver.StartAsync();
        var id = (await node.ConnectInModeAsync("c", server.Url.ToString(), "websocket")).GetProperty("id").GetString()!;
        Assert.True((await node.EmitWithAckAsync("c", "join", [new[] { "a", "b" }]))[0].GetBoolean());

        await node.DisconnectAsync("c");

        var expectedRooms = string.Join(",", new[] { "a", "b", id }.Order(StringComparer.Ordinal));
        Assert.Equal(
            [$"disconnecting client namespace disconnect: {expectedRooms}", "disconnect client namespace disconnect: 0 rooms"],
            await seen.WaitForCountAsync(2));
    }

    private static void Setup(SocketIOServer io) => io.OnConnection(socket =>
    {
        socket.On("join", (string[] rooms) =>
        {
            socket.Join(rooms);
            return true;
        });
        socket.On("leave", (string room) =>
        {
            socket.Leave(room);
            return true;
        });
        socket.On("to-rooms", async (string[] rooms, string ev) =>
        {
            await socket.To(rooms).EmitAsync(ev);
            return true;
        });
        socket.On("except-room", async (string room, string ev) =>
        {
            await socket.Except(room).EmitAsync(ev);
            return true;
        });
    });

    /// <summary>Connects the four clients and puts each in its rooms; returns their socket ids.</summary>
    private static async Task<Dictionary<string, string>> ConnectAndJoinAsync(NodeClientDriver node, TestServer server, string mode)
    {
        var rooms = new Dictionary<string, string[]> { ["red"] = ["red"], ["both"] = ["red", "blue"], ["blue"] = ["blue"], ["none"] = [] };
        var ids = new Dictionary<string, string>();
        foreach (var client in Clients)
        {
            ids[client] = (await node.ConnectInModeAsync(client, server.Url.ToString(), mode)).GetProperty("id").GetString()!;
            Assert.True((await node.EmitWithAckAsync(client, "join", [rooms[client]]))[0].GetBoolean());
        }

        return ids;
    }
}
