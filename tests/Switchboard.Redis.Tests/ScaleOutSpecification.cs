using Switchboard.Interop.Tests.Harness;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// What a scale-out adapter adds: two servers, each with clients, act as one — broadcasts with rooms and exceptions,
/// broadcast acknowledgements, fetching sockets, remote joins, leaves and disconnections, all rooms, and server-side
/// emits with acknowledgements, each across the two. Subclasses choose the adapter and what each server is (Switchboard
/// twice, or Switchboard with the Node reference, in both orders), the way SignalR's ScaleoutHubLifetimeManagerTests
/// run for each backplane.
/// </summary>
/// <remarks>
/// Events from one server arrive at a client in the order that server sent them, through Redis or not; so a client
/// that did not receive an event is shown by the next event from the same server being the first it gets.
/// </remarks>
public abstract class ScaleOutSpecification : ClusterTestBase
{
    /// <summary>
    /// Whether a server's <c>allRooms</c> lists every server's rooms (the pub/sub adapter asks the others) or its own
    /// (the Streams adapter's protocol, as Node's, has no such request).
    /// </summary>
    protected virtual bool RoomsAreShared => true;

    [Fact]
    public async Task A_broadcast_from_one_server_reaches_the_sockets_of_both()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("here", 0);
        await cluster.ConnectAsync("there", 1);

        await cluster.AskAsync("here", "broadcast", new { @event = "news", args = new object[] { "hello", 1, new { nested = new[] { true } } } });
        await cluster.AskAsync("here", "broadcast", new { @event = "end" });

        foreach (var client in new[] { "here", "there" })
        {
            var events = await cluster.ExpectEventsAsync(client, "news", "end");
            Assert.Equal("""["hello",1,{"nested":[true]}]""", events[0].GetProperty("args").GetRawText());
        }
    }

    [Fact]
    public async Task A_broadcast_to_a_room_reaches_its_members_on_the_other_server_only()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("sender", 0);
        await cluster.ConnectAsync("member", 1);
        await cluster.ConnectAsync("other", 1);
        await cluster.AskAsync("member", "join", "room");

        await AssertBroadcastAsync(cluster, "sender", new { to = new[] { "room" }, @event = "in-room" }, reached: ["member"], missed: ["other", "sender"]);
    }

    [Fact]
    public async Task A_broadcast_to_two_rooms_reaches_a_member_of_both_on_the_other_server_once()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("sender", 0);
        await cluster.ConnectAsync("both", 1);
        await cluster.AskAsync("both", "join", "r1", "r2");

        await AssertBroadcastAsync(cluster, "sender", new { to = new[] { "r1", "r2" }, @event = "x" }, reached: ["both"], missed: []);
    }

    [Fact]
    public async Task A_broadcast_skips_excepted_rooms_and_sockets_on_the_other_server()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("sender", 0);
        await cluster.ConnectAsync("muted", 1);
        var excludedId = await cluster.ConnectAsync("excluded", 1);
        await cluster.ConnectAsync("reached", 1);
        await cluster.AskAsync("muted", "join", "muted");

        await AssertBroadcastAsync(
            cluster, "sender", new { except = new[] { "muted", excludedId }, @event = "x" }, reached: ["reached"], missed: ["muted", "excluded"]);
    }

    [Fact]
    public async Task A_local_broadcast_stays_on_its_server()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("here", 0);
        await cluster.ConnectAsync("there", 1);

        await AssertBroadcastAsync(cluster, "here", new { local = true, @event = "local" }, reached: ["here"], missed: ["there"]);
    }

    [Fact]
    public async Task Another_namespace_is_shared_on_its_own_channels()
    {
        await using var cluster = await StartClusterAsync(2);
        var hereId = await cluster.ConnectAsync("admin-here", 0, nsp: "/admin");
        var thereId = await cluster.ConnectAsync("admin-there", 1, nsp: "/admin");
        var mainId = await cluster.ConnectAsync("main-there", 1);

        await AssertBroadcastAsync(cluster, "admin-here", new { @event = "admin-news" }, reached: ["admin-here", "admin-there"], missed: []);

        Assert.Equal(new[] { hereId, thereId }.Order(StringComparer.Ordinal), await FetchIdsAsync(cluster, "admin-here"));
        Assert.Equal([mainId], await FetchIdsAsync(cluster, "main-there"));
        var whoami = await cluster.AskAsync("admin-there", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 10_000 });
        Assert.Equal($"""["{cluster[0].Name}"]""", whoami.GetProperty("responses").GetRawText());
    }

    [Fact]
    public async Task A_binary_argument_reaches_the_other_server_as_the_same_bytes()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("sender", 0);
        await cluster.ConnectAsync("receiver", 1);
        byte[] bytes = [0, 1, 2, 0xc1, 0xff];

        await cluster.AskAsync("sender", "broadcast-binary", new { @event = "file" }, NodeClientDriver.Binary(bytes));

        var file = (await cluster.ExpectEventsAsync("receiver", "file"))[0];
        Assert.Equal(bytes, NodeClientDriver.ReadBinary(file.GetProperty("args")[0]));
    }

    [Fact]
    public async Task A_broadcast_with_acknowledgements_collects_the_answers_of_both_servers_clients()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("here", 0);
        await cluster.ConnectAsync("there-1", 1);
        await cluster.ConnectAsync("there-2", 1);
        foreach (var client in new[] { "here", "there-1", "there-2" })
        {
            await cluster.Clients.SetAckReplyAsync(client, "question", new { from = client });
        }

        var answer = await cluster.AskAsync("here", "broadcast-with-ack", new { @event = "question", timeoutMs = 10_000 });

        var from = answer.GetProperty("responses").EnumerateArray().Select(r => r.GetProperty("from").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["here", "there-1", "there-2"], from);
    }

    [Fact]
    public async Task A_broadcast_with_acknowledgements_to_a_room_waits_for_its_members_on_the_other_server_only()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("sender", 0);
        await cluster.ConnectAsync("member", 1);
        await cluster.ConnectAsync("other", 1);
        await cluster.AskAsync("member", "join", "room");
        await cluster.Clients.SetAckReplyAsync("member", "question", "yes");

        var answer = await cluster.AskAsync("sender", "broadcast-with-ack", new { to = new[] { "room" }, @event = "question", timeoutMs = 10_000 });

        Assert.Equal("""["yes"]""", answer.GetProperty("responses").GetRawText());
    }

    [Fact]
    public async Task FetchSockets_reports_the_sockets_of_both_servers_with_handshake_rooms_and_data()
    {
        await using var cluster = await StartClusterAsync(2);
        var aliceId = await cluster.ConnectAsync("alice", 0, auth: new { name = "alice" }, query: new Dictionary<string, string> { ["team"] = "blue" });
        var bobId = await cluster.ConnectAsync("bob", 1, auth: new { name = "bob" }, query: new Dictionary<string, string> { ["team"] = "red" });
        await cluster.AskAsync("alice", "join", "a-room");
        await cluster.AskAsync("bob", "join", "b-room");
        await cluster.AskAsync("alice", "set-data", "level", new { value = 1 });
        await cluster.AskAsync("bob", "set-data", "level", new { value = 2 });

        // Each server asks: the other's socket comes through Redis.
        foreach (var asker in new[] { "alice", "bob" })
        {
            var answer = await cluster.AskAsync(asker, "fetch-sockets", new { });
            var sockets = answer.GetProperty("sockets").EnumerateArray().OrderBy(s => s.GetProperty("handshake").GetProperty("auth").GetProperty("name").GetString()).ToArray();
            Assert.Equal(2, sockets.Length);
            AssertSocket(sockets[0], aliceId, ["a-room", aliceId], "alice", "blue");
            AssertSocket(sockets[1], bobId, ["b-room", bobId], "bob", "red");
            Assert.Equal(1, sockets[0].GetProperty("data").GetProperty("level").GetProperty("value").GetInt32());
            Assert.Equal(2, sockets[1].GetProperty("data").GetProperty("level").GetProperty("value").GetInt32());
        }
    }

    [Fact]
    public async Task FetchSockets_to_a_room_finds_its_members_on_the_other_server()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("asker", 0);
        var memberId = await cluster.ConnectAsync("member", 1);
        await cluster.ConnectAsync("other", 1);
        await cluster.AskAsync("member", "join", "room");

        Assert.Equal([memberId], await FetchIdsAsync(cluster, "asker", "room"));
    }

    [Fact]
    public async Task A_fetched_socket_on_the_other_server_can_be_emitted_to()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("asker", 0);
        var targetId = await cluster.ConnectAsync("target", 1);

        await cluster.AskAsync("asker", "remote-emit", new { to = new[] { targetId }, @event = "direct", args = new object[] { "psst" } });

        var direct = (await cluster.ExpectEventsAsync("target", "direct"))[0];
        Assert.Equal("""["psst"]""", direct.GetProperty("args").GetRawText());
    }

    [Fact]
    public async Task SocketsJoin_and_SocketsLeave_move_sockets_of_the_other_server()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("asker", 0);
        var targetId = await cluster.ConnectAsync("target", 1);

        await cluster.AskAsync("asker", "sockets-join", new { to = new[] { targetId }, rooms = new[] { "vip" } });
        Assert.Equal([targetId], await FetchIdsAsync(cluster, "asker", "vip"));
        await cluster.AskAsync("asker", "broadcast", new { to = new[] { "vip" }, @event = "vip-only" });
        await cluster.ExpectEventsAsync("target", "vip-only");

        await cluster.AskAsync("asker", "sockets-leave", new { to = new[] { targetId }, rooms = new[] { "vip" } });
        Assert.Empty(await FetchIdsAsync(cluster, "asker", "vip"));
    }

    [Fact]
    public async Task DisconnectSockets_disconnects_sockets_of_the_other_server()
    {
        await using var cluster = await StartClusterAsync(2);
        var askerId = await cluster.ConnectAsync("asker", 0);
        var targetId = await cluster.ConnectAsync("target", 1);

        await cluster.AskAsync("asker", "disconnect-sockets", new { to = new[] { targetId } });

        var disconnected = await cluster.Clients.WaitForAsync("target", "disconnect");
        Assert.Equal("io server disconnect", disconnected.GetProperty("reason").GetString());
        Assert.Equal([askerId], await FetchIdsAsync(cluster, "asker"));
    }

    [Fact]
    public async Task AllRooms_lists_the_rooms_of_both_servers_where_the_adapter_shares_rooms_and_its_own_otherwise()
    {
        await using var cluster = await StartClusterAsync(2);
        var hereId = await cluster.ConnectAsync("here", 0);
        var thereId = await cluster.ConnectAsync("there", 1);
        await cluster.AskAsync("here", "join", "r-here");
        await cluster.AskAsync("there", "join", "r-there");

        foreach (var (asker, own) in new[] { ("here", new[] { hereId, "r-here" }), ("there", new[] { thereId, "r-there" }) })
        {
            var answer = await cluster.AskAsync(asker, "all-rooms");
            var expected = RoomsAreShared ? new[] { hereId, thereId, "r-here", "r-there" } : own;
            Assert.Equal(expected.Order(StringComparer.Ordinal), Strings(answer.GetProperty("rooms")));
        }
    }

    [Fact]
    public async Task A_server_side_emit_reaches_the_other_server_and_not_its_own()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("here", 0);
        await cluster.ConnectAsync("there", 1);

        await cluster.AskAsync("here", "server-side-emit", new { @event = "announce", args = new object[] { "first", 1 } });
        var heard = (await cluster.ExpectEventsAsync("there", "announced"))[0];
        await cluster.AskAsync("there", "server-side-emit", new { @event = "announce", args = new object[] { "second" } });

        // Server 0 handles its requests in order: had it heard its own "first", that would come before "second".
        var heardBack = (await cluster.ExpectEventsAsync("here", "announced"))[0];
        Assert.Equal($$"""[{"server":"{{cluster[1].Name}}","args":["first",1]}]""", heard.GetProperty("args").GetRawText());
        Assert.Equal($$"""[{"server":"{{cluster[0].Name}}","args":["second"]}]""", heardBack.GetProperty("args").GetRawText());
    }

    [Fact]
    public async Task A_server_side_emit_with_acknowledgements_gets_the_other_servers_answer()
    {
        await using var cluster = await StartClusterAsync(2);
        await cluster.ConnectAsync("here", 0);
        await cluster.ConnectAsync("there", 1);

        var fromThere = await cluster.AskAsync("here", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 10_000 });
        var fromHere = await cluster.AskAsync("there", "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 10_000 });

        Assert.Equal($"""["{cluster[1].Name}"]""", fromThere.GetProperty("responses").GetRawText());
        Assert.Equal($"""["{cluster[0].Name}"]""", fromHere.GetProperty("responses").GetRawText());
    }
}
