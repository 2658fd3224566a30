using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Catch-all listeners (Node's <c>socket.onAny</c>, <c>prependAny</c>, <c>offAny</c>, <c>listenersAny</c>
/// and their <c>…Outgoing</c> twins) with the real npm client: they see the name and arguments of
/// every event the client sends, or of every event sent to it, in order.
/// </summary>
public sealed class CatchAllListenerTests
{
    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Any_listeners_see_every_incoming_event_in_order_prepended_ones_first_and_before_the_handlers(string mode)
    {
        var seen = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.OnAny((name, args) => seen.Add($"any {name} {Describe(args)}"));
            socket.PrependAny((name, _) => seen.Add("prepended " + name));
            socket.On("b", () => seen.Add("handler b"));
            socket.On("c", () =>
            {
                seen.Add("handler c");
                return "done";
            });
        }));
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), mode);

        await node.EmitAsync("c", "a", 1);
        await node.EmitAsync("c", "b", "x", new { y = 2 });
        Assert.Equal("done", (await node.EmitWithAckAsync("c", "c", true))[0].GetString());

        // The acknowledgement callback is not an argument.
        Assert.Equal(
            ["prepended a", "any a 1", "prepended b", """any b "x",{"y":2}""", "handler b", "prepended c", "any c true", "handler c"],
            seen.Snapshot());
    }

    [Fact]
    public async Task OffAny_removes_one_listener_or_all_of_them_and_ListenersAny_lists_those_left()
    {
        var seen = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            Action<string, EventArguments> first = (name, _) => seen.Add("first " + name);
            Action<string, EventArguments> second = (name, _) => seen.Add("second " + name);
            socket.OnAny(first).OnAny(second);
            socket.On("count", () => socket.ListenersAny().Count);
            socket.On("off-first", () => socket.OffAny(first).ListenersAny().Single() == second);
            socket.On("off-all", () => socket.OffAny().ListenersAny().Count);
        }));
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), "websocket");

        Assert.Equal(2, (await node.EmitWithAckAsync("c", "count"))[0].GetInt32());
        Assert.True((await node.EmitWithAckAsync("c", "off-first"))[0].GetBoolean());
        await node.EmitAsync("c", "ping");
        Assert.Equal(0, (await node.EmitWithAckAsync("c", "off-all"))[0].GetInt32());
        await node.EmitAsync("c", "ignored");
        Assert.Equal(0, (await node.EmitWithAckAsync("c", "count"))[0].GetInt32());

        Assert.Equal(["first count", "second count", "first off-first", "second off-first", "second ping", "second off-all"], seen.Snapshot());
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Outgoing_any_listeners_see_every_event_sent_to_the_client_broadcasts_included(string mode)
    {
        var sent = new EventRecord<string>();
        var sockets = new EventRecord<Socket>();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.Join("room");
            socket.OnAnyOutgoing((name, args) => sent.Add($"{name} {string.Join(",", args)}"));
            socket.PrependAnyOutgoing((name, _) => sent.Add("prepended " + name));
            socket.On("ask", () => "answer");
            sockets.Add(socket);
        }));
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), mode);
        var socket = await sockets.WaitForAsync();

        await socket.EmitAsync("direct", 1);
        await server.Io.EmitAsync("everyone", "x", "y");
        await server.Io.To("room").EmitAsync("room", true);
        Assert.Equal("answer", (await node.EmitWithAckAsync("c", "ask"))[0].GetString());
        Assert.Equal(2, socket.ListenersAnyOutgoing().Count);
        socket.OffAnyOutgoing();
        await socket.EmitAsync("unheard");

        foreach (var name in new[] { "direct", "everyone", "room", "unheard" })
        {
            Assert.Equal(name, (await node.WaitForAsync("c", "event")).GetProperty("event").GetString());
        }

        // An acknowledgement is not an event.
        Assert.Equal(["prepended direct", "direct 1", "prepended everyone", "everyone x,y", "prepended room", "room True"], sent.Snapshot());
        Assert.Empty(socket.ListenersAnyOutgoing());
    }

    private static string Describe(EventArguments args) =>
        string.Join(",", Enumerable.Range(0, args.Count).Select(i => args[i].GetRawText()));
}
