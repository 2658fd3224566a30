using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Dynamic namespaces (Node's <c>io.of(/regex/)</c> and <c>io.of((name, auth, next) => …)</c>) with the
/// real npm client: a client asking for a name a parent accepts gets a child namespace, created on
/// demand, with the parent's middleware and connection handlers.
/// </summary>
public sealed partial class DynamicNamespaceTests
{
    [Fact]
    public async Task A_matching_name_gets_a_child_with_the_parents_middleware_and_handlers_and_the_parent_reaches_every_child()
    {
        ParentNamespace parent = null!;
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            parent = io.Of(WorkspaceName());
            parent.Use(socket =>
            {
                socket.Data["via"] = "parent middleware";
                return Task.CompletedTask;
            });
            parent.OnConnection(socket => socket.On("where", () => $"{socket.Namespace.Name} via {socket.Data["via"]}"));
        });
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectInModeAsync("w42", server.Url + "workspace-42", "websocket");
        await node.ConnectInModeAsync("w7", server.Url + "workspace-7", "websocket");

        Assert.Equal("/workspace-42 via parent middleware", (await node.EmitWithAckAsync("w42", "where"))[0].GetString());
        Assert.Equal("/workspace-7 via parent middleware", (await node.EmitWithAckAsync("w7", "where"))[0].GetString());
        Assert.Equal(["/workspace-42", "/workspace-7"], parent.Children.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Same(server.Io.Of("/workspace-42"), Assert.Single(parent.Children, c => c.Name == "/workspace-42"));
        Assert.Same(parent, server.Io.Of("/workspace-42").Parent);

        await server.Io.Of("/workspace-42").EmitAsync("only-42");
        await parent.EmitAsync("everyone");
        Assert.Equal("only-42", await node.NextEventNameAsync("w42"));
        Assert.Equal("everyone", await node.NextEventNameAsync("w42"));
        Assert.Equal("everyone", await node.NextEventNameAsync("w7"));
    }

    [Fact]
    public async Task A_name_no_parent_accepts_is_refused_as_an_invalid_namespace()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.Of(WorkspaceName()));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("c", server.Url + "workspace-x", TransportMode.Options("websocket"));

        Assert.Equal("Invalid namespace", (await node.WaitForAsync("c", "connect_error")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_predicate_parent_decides_with_the_clients_auth_payload()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.Of((name, auth) =>
            name.StartsWith("/team-", StringComparison.Ordinal)
            && auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("member", out var member) && member.GetBoolean()));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("outsider", server.Url + "team-a", TransportMode.Options("websocket", new { member = false }));
        Assert.Equal("Invalid namespace", (await node.WaitForAsync("outsider", "connect_error")).GetProperty("message").GetString());

        await node.ConnectInModeAsync("member", server.Url + "team-a", "websocket", new { member = true });
    }

    [Fact]
    public async Task A_client_without_auth_shows_a_predicate_an_empty_object_as_its_handshake_does()
    {
        var seen = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io => io.Of((name, auth) =>
        {
            seen.Add(auth.GetRawText());
            return auth.TryGetProperty("member", out var member) && member.GetBoolean();
        }));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("anonymous", server.Url + "team-a", TransportMode.Options("websocket"));

        Assert.Equal("Invalid namespace", (await node.WaitForAsync("anonymous", "connect_error")).GetProperty("message").GetString());
        Assert.Equal(["{}"], seen.Snapshot());
    }

    [Fact]
    public async Task A_predicate_that_throws_refuses_the_name_as_an_invalid_namespace()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.Of((_, _) => throw new InvalidOperationException("directory down")));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("c", server.Url + "team-a", TransportMode.Options("websocket"));

        Assert.Equal("Invalid namespace", (await node.WaitForAsync("c", "connect_error")).GetProperty("message").GetString());
        await server.Logs.WaitForAsync(e => e.Message.Contains("rule of a parent namespace threw for /team-a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_parent_middleware_refusal_reaches_the_client_of_any_child_with_its_data()
    {
        await using var server = await TestServer.StartAsync(setup: io =>
            io.Of(WorkspaceName()).Use(_ => throw new ConnectionRejectedException("workspace closed", new { reopens = "monday" })));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("c", server.Url + "workspace-3", TransportMode.Options("websocket"));

        var refused = await node.WaitForAsync("c", "connect_error");
        Assert.Equal("workspace closed", refused.GetProperty("message").GetString());
        Assert.Equal("monday", refused.GetProperty("data").GetProperty("reopens").GetString());
    }

    [Fact]
    public async Task A_namespace_created_by_name_takes_precedence_over_a_matching_parent()
    {
        ParentNamespace parent = null!;
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            parent = io.Of(WorkspaceName());
            parent.OnConnection(socket => socket.On("who", () => "parent"));
            io.Of("/workspace-1").OnConnection(socket => socket.On("who", () => "own"));
        });
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectInModeAsync("c", server.Url + "workspace-1", "websocket");

        Assert.Equal("own", (await node.EmitWithAckAsync("c", "who"))[0].GetString());
        Assert.Empty(parent.Children);
    }

    [Theory, InlineData(true), InlineData(false)]
    public async Task An_empty_child_is_removed_only_when_cleanup_is_on(bool cleanup)
    {
        var left = new EventRecord<string>();
        ParentNamespace parent = null!;
        await using var server = await TestServer.StartAsync(
            o => o.CleanupEmptyChildNamespaces = cleanup,
            io =>
            {
                parent = io.Of(WorkspaceName());
                parent.OnConnection(socket => socket.OnDisconnect(left.Add));
            });
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url + "workspace-5", "websocket");
        var first = Assert.Single(parent.Children);

        await node.DisconnectAsync("c");
        await left.WaitForAsync();

        Assert.Equal(cleanup ? 0 : 1, parent.Children.Count);
        await node.ConnectInModeAsync("again", server.Url + "workspace-5", "websocket");
        var second = Assert.Single(parent.Children);
        Assert.Equal(cleanup, !ReferenceEquals(first, second));
    }

    [GeneratedRegex(@"^/workspace-\d+$")]
    private static partial Regex WorkspaceName();
}
