using Switchboard.Interop.Tests.Harness;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// What every adapter does for the sockets of one server, whatever else it does: rooms, broadcasts with rooms and
/// exceptions, broadcast acknowledgements, fetching sockets, making them join, leave and disconnect, listing rooms,
/// server-side emits with no other server to hear them. Each adapter runs it through a subclass that starts a server
/// with that adapter, the way SignalR's HubLifetimeManager tests run for each backplane. Clients are the npm
/// socket.io-client; the server runs <see cref="ClusterApp"/>.
/// </summary>
/// <remarks>
/// That a client did not receive an event is shown by ordering, not by waiting: the same server sends a second event to
/// everyone, and that is the first event the client gets.
/// </remarks>
public abstract class AdapterSpecification : ClusterTestBase
{
    [Fact]
    public async Task A_broadcast_reaches_every_socket_once()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 0);

        await cluster.AskAsync("a", "broadcast", new { @event = "news", args = new object[] { "hello", 1, new { nested = true } } });
        await cluster.AskAsync("a", "broadcast", new { @event = "end" });

        foreach (var client in new[] { "a", "b" })
        {
            var events = await cluster.ExpectEventsAsync(client, "news", "end");
            Assert.Equal("""["hello",1,{"nested":true}]""", events[0].GetProperty("args").GetRawText());
        }
    }

    [Fact]
    public async Task A_broadcast_to_a_room_reaches_its_members_only()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("member", 0);
        await cluster.ConnectAsync("other", 0);
        await cluster.AskAsync("member", "join", "room");

        await AssertBroadcastAsync(cluster, "other", new { to = new[] { "room" }, @event = "in-room" }, reached: ["member"], missed: ["other"]);
    }

    [Fact]
    public async Task A_broadcast_to_two_rooms_reaches_a_member_of_both_once()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("both", 0);
        await cluster.ConnectAsync("one", 0);
        await cluster.ConnectAsync("none", 0);
        await cluster.AskAsync("both", "join", "r1", "r2");
        await cluster.AskAsync("one", "join", "r2");

        await AssertBroadcastAsync(cluster, "none", new { to = new[] { "r1", "r2" }, @event = "x" }, reached: ["both", "one"], missed: ["none"]);
    }

    [Fact]
    public async Task A_broadcast_skips_the_members_of_excepted_rooms_and_excepted_sockets()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("excluded-by-room", 0);
        var excludedId = await cluster.ConnectAsync("excluded-by-id", 0);
        await cluster.ConnectAsync("reached", 0);
        await cluster.AskAsync("excluded-by-room", "join", "muted");

        await AssertBroadcastAsync(
            cluster, "reached", new { except = new[] { "muted", excludedId }, @event = "x" }, reached: ["reached"], missed: ["excluded-by-room", "excluded-by-id"]);
    }

    [Fact]
    public async Task A_binary_argument_arrives_as_the_same_bytes()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("sender", 0);
        await cluster.ConnectAsync("receiver", 0);
        byte[] bytes = [0, 1, 2, 250, 255];

        await cluster.AskAsync("sender", "broadcast-binary", new { @event = "file" }, NodeClientDriver.Binary(bytes));

        var file = (await cluster.ExpectEventsAsync("receiver", "file"))[0];
        Assert.Equal(bytes, NodeClientDriver.ReadBinary(file.GetProperty("args")[0]));
    }

    [Fact]
    public async Task A_broadcast_with_acknowledgements_collects_the_answer_of_every_recipient()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 0);
        await cluster.Clients.SetAckReplyAsync("a", "question", "from a");
        await cluster.Clients.SetAckReplyAsync("b", "question", "from b");

        var answer = await cluster.AskAsync("a", "broadcast-with-ack", new { @event = "question", timeoutMs = 10_000 });

        Assert.Equal(["from a", "from b"], Strings(answer.GetProperty("responses")).Order());
    }

    [Fact]
    public async Task FetchSockets_reports_each_matching_socket_with_its_handshake_rooms_and_data()
    {
        await using var cluster = await StartClusterAsync(1);
        var aliceId = await cluster.ConnectAsync("alice", 0, auth: new { name = "alice" }, query: new Dictionary<string, string> { ["team"] = "blue" });
        await cluster.ConnectAsync("bob", 0);
        await cluster.AskAsync("alice", "join", "room");
        await cluster.AskAsync("alice", "set-data", "score", 7);

        var answer = await cluster.AskAsync("bob", "fetch-sockets", new { to = new[] { "room" } });

        var socket = Assert.Single(answer.GetProperty("sockets").EnumerateArray());
        AssertSocket(socket, aliceId, ["room", aliceId], "alice", "blue");
        Assert.Equal(7, socket.GetProperty("data").GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task SocketsJoin_and_SocketsLeave_move_the_matching_sockets()
    {
        await using var cluster = await StartClusterAsync(1);
        var aId = await cluster.ConnectAsync("a", 0);
        await cluster.ConnectAsync("b", 0);

        await cluster.AskAsync("b", "sockets-join", new { to = new[] { aId }, rooms = new[] { "vip" } });
        Assert.Equal([aId], await FetchIdsAsync(cluster, "b", "vip"));

        await cluster.AskAsync("b", "sockets-leave", new { to = new[] { aId }, rooms = new[] { "vip" } });
        Assert.Empty(await FetchIdsAsync(cluster, "b", "vip"));
    }

    [Fact]
    public async Task DisconnectSockets_disconnects_the_matching_sockets_only()
    {
        await using var cluster = await StartClusterAsync(1);
        var aId = await cluster.ConnectAsync("a", 0);
        var bId = await cluster.ConnectAsync("b", 0);

        await cluster.AskAsync("b", "disconnect-sockets", new { to = new[] { aId } });

        var disconnected = await cluster.Clients.WaitForAsync("a", "disconnect");
        Assert.Equal("io server disconnect", disconnected.GetProperty("reason").GetString());
        Assert.Equal([bId], await FetchIdsAsync(cluster, "b"));
    }

    [Fact]
    public async Task AllRooms_lists_every_room_with_a_member()
    {
        await using var cluster = await StartClusterAsync(1);
        var aId = await cluster.ConnectAsync("a", 0);
        var bId = await cluster.ConnectAsync("b", 0);
        await cluster.AskAsync("a", "join", "r1");
        await cluster.AskAsync("b", "join", "r2");

        var answer = await cluster.AskAsync("a", "all-rooms");

        Assert.Equal(new[] { aId, bId, "r1", "r2" }.Order(StringComparer.Ordinal), Strings(answer.GetProperty("rooms")));
    }

    [Fact]
    public async Task A_server_side_emit_with_acknowledgements_on_a_lone_server_has_no_answers()
    {
        await using var cluster = await StartClusterAsync(1);
        await cluster.ConnectAsync("a", 0);

        var answer = await cluster.AskAsync("a", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 10_000 });

        Assert.Empty(answer.GetProperty("responses").EnumerateArray());
    }
}
