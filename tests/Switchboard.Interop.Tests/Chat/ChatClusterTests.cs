using System.Text.Json;
using Switchboard.Interop.Tests.Harness;
using Switchboard.Redis.Tests.Harness;
using static Microsoft.Playwright.Assertions;
using static Switchboard.Interop.Tests.Harness.ChatClient;

namespace Switchboard.Interop.Tests.Chat;

/// <summary>
/// The chat as a cluster: chat servers in their own processes started with <c>--redis</c> on one redis-server (each
/// test its own), the npm socket.io-client on each, and a Node socket.io server with @socket.io/redis-adapter on the
/// same Redis and the adapter's default key.
/// </summary>
public sealed class ChatClusterTests
{
    [Fact]
    public async Task Clients_on_two_servers_get_each_others_messages_and_see_each_other_as_members()
    {
        await using var cluster = await ChatCluster.StartAsync(servers: 2);
        await using var node = await NodeClientDriver.StartAsync();
        await using var ws = await WsClientDriver.StartAsync();
        await EnterAsync(node, "alice", cluster.Servers[0]);

        var bob = await EnterAsync(node, "bob", cluster.Servers[1]);

        Assert.Equal(["alice", "bob"], Members(bob.GetProperty("joined")));
        await node.WaitForAsync("alice", "event", e => IsMembers(e, "alice", "bob"));

        await ws.OpenAsync("w", cluster.Servers[1].WebSocketUrl("/ws"));
        await node.WaitForAsync("alice", "event", e => IsMembers(e, "alice", "bob", "ws-1"));

        await node.EmitWithAckAsync("alice", "message", new { room = "general", text = "from the first server" });
        await node.WaitForAsync("bob", "event", e => IsMessage(e, "alice", "from the first server"));
        Assert.Equal("alice: from the first server", await ws.ReceiveTextAsync("w"));

        await node.EmitWithAckAsync("bob", "message", new { room = "general", text = "from the second server" });
        await node.WaitForAsync("alice", "event", e => IsMessage(e, "bob", "from the second server"));
        Assert.Equal("bob: from the second server", await ws.ReceiveTextAsync("w"));
    }

    [Fact]
    public async Task A_client_joining_either_server_later_gets_the_messages_posted_on_both_as_history()
    {
        await using var cluster = await ChatCluster.StartAsync(servers: 2);
        await using var node = await NodeClientDriver.StartAsync();
        await EnterAsync(node, "alice", cluster.Servers[0]);
        await EnterAsync(node, "bob", cluster.Servers[1]);
        // Acknowledged once stored, so the two are stored in this order.
        await node.EmitWithAckAsync("alice", "message", new { room = "general", text = "one" });
        await node.EmitWithAckAsync("bob", "message", new { room = "general", text = "two" });

        var carol = await EnterAsync(node, "carol", cluster.Servers[0]);
        var dave = await EnterAsync(node, "dave", cluster.Servers[1]);

        foreach (var welcome in new[] { carol, dave })
        {
            var history = welcome.GetProperty("joined").GetProperty("history").EnumerateArray()
                .Select(m => $"{m.GetProperty("from").GetString()}: {m.GetProperty("text").GetString()}");
            Assert.Equal(["alice: one", "bob: two"], history);
        }
    }

    [Fact]
    public async Task A_nickname_in_use_on_one_server_is_refused_on_the_other_until_its_owner_leaves()
    {
        await using var cluster = await ChatCluster.StartAsync(servers: 2);
        await using var node = await NodeClientDriver.StartAsync();
        await EnterAsync(node, "alice", cluster.Servers[0]);
        var aliceId = (await node.StateAsync("alice")).GetProperty("id").GetString()!;

        await node.ConnectAsync("other", cluster.Servers[1].Url, new { auth = new { nick = "Alice" }, reconnection = false });
        var refused = await node.WaitForAsync("other", "connect_error");
        Assert.Equal("nickname-taken", refused.GetProperty("data").GetProperty("code").GetString());

        await node.DisconnectAsync("alice");
        await cluster.Servers[0].WaitForLineAsync($"Connection {aliceId} has disconnected");
        var welcome = await EnterAsync(node, "other", cluster.Servers[1], nick: "Alice");
        Assert.Equal("Alice", welcome.GetProperty("nick").GetString());
    }

    [Fact]
    public async Task Guests_on_two_servers_get_different_names()
    {
        await using var cluster = await ChatCluster.StartAsync(servers: 2);
        await using var node = await NodeClientDriver.StartAsync();
        var names = new List<string>();
        foreach (var (client, server) in new[] { ("a", 0), ("b", 1), ("c", 0), ("d", 1) })
        {
            await node.ConnectAsync(client, cluster.Servers[server].Url);
            var welcome = await node.WaitForAsync(client, "event", e => IsEvent(e, "welcome"));
            names.Add(welcome.GetProperty("args")[0].GetProperty("nick").GetString()!);
        }

        Assert.All(names, name => Assert.StartsWith("guest-", name, StringComparison.Ordinal));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task A_node_socket_io_server_on_the_same_redis_and_the_chat_reach_each_others_clients()
    {
        await using var cluster = await ChatCluster.StartAsync(servers: 1);
        await using var nodeServer = await ProcessClusterServer.StartNodeAsync("node", cluster.Redis, key: "socket.io");
        await using var node = await NodeClientDriver.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        foreach (var client in new[] { "n", "anonymous" })
        {
            await node.ConnectAsync(client, nodeServer.Url.ToString());
            await node.WaitForAsync(client, "connect");
            await node.EmitWithAckAsync(client, "join", "general");
        }

        // socket.data.nick = "node-user" on the Node server lists its socket among the members; one without is no one to list.
        await node.EmitWithAckAsync("n", "set-data", "nick", "node-user");
        await EnterAsync(node, "alice", cluster.Servers[0]);
        var carol = await browser.OpenAsync(cluster.Servers[0].Url);
        await carol.EnterAsync("carol");
        await Expect(carol.Members).ToHaveTextAsync(["alice", "carol", "node-user"]);

        // As a Node server would: io.to("general").emit("message", ...), without the chat's id and time, or bare text.
        foreach (var payload in new object[] { new { room = "general", from = "node-user", text = "first from node" }, new { room = "general", from = "node-user", text = "second from node" }, "bare text from node" })
        {
            await node.EmitWithAckAsync("n", "broadcast", new { to = "general", @event = "message", args = new[] { payload } });
        }

        var received = await node.WaitForAsync("alice", "event", e => IsMessage(e, "node-user", "first from node"));
        Assert.False(received.GetProperty("args")[0].TryGetProperty("id", out _));
        await Expect(carol.Message("node-user", "first from node")).ToHaveCountAsync(1);
        await Expect(carol.Message("node-user", "second from node")).ToHaveCountAsync(1);
        await Expect(carol.Messages.Filter(new() { Has = carol.Page.Locator(".text").GetByText("bare text from node", new() { Exact = true }) }))
            .ToHaveCountAsync(1);

        await node.EmitWithAckAsync("alice", "message", new { room = "general", text = "hello node" });
        await node.WaitForAsync("n", "event", e => IsMessage(e, "alice", "hello node"));
        await carol.SendAsync("hello from the page");
        await node.WaitForAsync("n", "event", e => IsMessage(e, "carol", "hello from the page"));
    }

    /// <summary>Enters the chat on <paramref name="server"/> as <paramref name="nick"/> (the client's name unless given).</summary>
    private static Task<JsonElement> EnterAsync(NodeClientDriver node, string client, ChatProcess server, string? nick = null) =>
        ChatClient.EnterAsync(node, client, server.Url, new { auth = new { nick = nick ?? client }, reconnection = false });

    private static string[] Members(JsonElement room) => [.. room.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)];

    private static bool IsMembers(JsonElement e, params string[] members) =>
        IsEvent(e, "members") && Members(e.GetProperty("args")[0]).SequenceEqual(members);
}
