using System.Net;
using System.Net.WebSockets;
using System.Text;
using Switchboard.Hosting;
using Switchboard.Interop.Tests.Harness;
using Switchboard.WebSockets;

namespace Switchboard.Interop.Tests.WebSockets;

/// <summary>
/// Ratchet-style components against the npm <c>ws</c> client, the WebSocket client of Node: what
/// a Node developer's client sees of the server, frame for frame.
/// </summary>
public sealed class WsClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static Task<ComponentServer> StartAsync(IMessageComponent component, Action<WebSocketComponentOptions>? configure = null) =>
        ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", component, configure));

    [Fact]
    public async Task A_ws_client_opens_a_connection_with_the_agreed_sub_protocol()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component, o =>
        {
            o.SubProtocols.Add("v2.chat");
            o.SubProtocols.Add("v1.chat");
        });
        await using var ws = await WsClientDriver.StartAsync();

        var protocol = await ws.OpenAsync("a", server.WebSocketUrl("/ws?room=lobby"), ["v1.chat", "v2.chat"]);

        Assert.Equal("v2.chat", protocol);
        var connection = await component.Opened.WaitForAsync().WaitAsync(Timeout);
        Assert.Equal("v2.chat", connection.SubProtocol);
        Assert.Equal("lobby", connection.Request.Query["room"].ToString());
        Assert.True(connection.RemoteAddress is { } address && IPAddress.IsLoopback(address));
    }

    [Fact]
    public async Task Text_and_binary_messages_go_round_trip()
    {
        var component = new EchoComponent("echo: ");
        await using var server = await StartAsync(component);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
        var data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await ws.SendAsync("a", "héllo ✓ 🎉");
        Assert.Equal("echo: héllo ✓ 🎉", await ws.ReceiveTextAsync("a"));
        await ws.SendAsync("a", data);
        Assert.Equal(data, await ws.ReceiveBinaryAsync("a"));

        var messages = component.Messages.Snapshot();
        Assert.Equal([true, false], messages.Select(m => m.IsText));
        Assert.Equal("héllo ✓ 🎉", messages[0].Text);
    }

    [Fact]
    public async Task A_message_ws_sends_in_fragments_arrives_whole()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));

        await ws.SendAsync("a", "one ", fin: false);
        await ws.SendAsync("a", "two ", fin: false);
        await ws.SendAsync("a", "three");
        await ws.SendAsync("a", Encoding.ASCII.GetBytes("abc"), fin: false);
        await ws.SendAsync("a", Encoding.ASCII.GetBytes("def"));

        Assert.Equal("one two three", await ws.ReceiveTextAsync("a"));
        Assert.Equal("abcdef"u8.ToArray(), await ws.ReceiveBinaryAsync("a"));
        Assert.Equal(2, component.Messages.Count);
    }

    [Fact]
    public async Task A_message_over_the_maximum_size_closes_the_ws_client_with_1009()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component, o => o.MaxMessageSize = 10_000);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));

        await ws.SendAsync("a", new byte[10_000]);
        Assert.Equal(10_000, (await ws.ReceiveBinaryAsync("a")).Length);
        await ws.SendAsync("a", new byte[10_001]);

        Assert.Equal(1009, (await ws.ClosedAsync("a")).Code);
        await server.WaitForLogAsync(WebSocketEvents.MessageTooBig).WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_server_close_reaches_ws_with_its_code_and_reason()
    {
        var component = new EchoComponent { OnMessage = (from, _) => from.CloseAsync((WebSocketCloseStatus)4000, "see you") };
        await using var server = await StartAsync(component);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WaitAsync(Timeout);

        await ws.SendAsync("a", "bye");

        Assert.Equal((4000, "see you"), await ws.ClosedAsync("a"));
        await component.ClosedAsync(connection.Id).WaitAsync(Timeout);
        Assert.Equal(1, component.Closed.Count);
    }

    [Fact]
    public async Task A_ws_close_with_a_code_and_reason_is_answered_in_kind_and_OnCloseAsync_runs()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WaitAsync(Timeout);

        await ws.CloseAsync("a", 4001, "client leaving");

        // ws reports the code and reason of the server's answering close frame: the echo.
        Assert.Equal((4001, "client leaving"), await ws.ClosedAsync("a"));
        await component.ClosedAsync(connection.Id).WaitAsync(Timeout);
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WaitAsync(Timeout);
        Assert.Equal(1, component.Closed.Count);
    }

    [Fact]
    public async Task A_ws_client_that_drops_its_tcp_connection_gets_OnCloseAsync_once()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WaitAsync(Timeout);

        await ws.TerminateAsync("a");

        await component.ClosedAsync(connection.Id).WaitAsync(Timeout);
        await server.WaitForLogAsync(WebSocketEvents.Closed, $"connection {connection.Id} closed").WaitAsync(Timeout);
        Assert.Equal(1, component.Closed.Count);
    }

    [Fact]
    public async Task The_server_pings_ws_which_answers_and_stays_open_and_a_ws_ping_gets_a_pong()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component, o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);

            // Generous: a pong held up by a busy machine must not close the connection here.
            o.KeepAliveTimeout = TimeSpan.FromSeconds(3);
        });
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WaitAsync(Timeout);

        for (var i = 0; i < 4; i++)
        {
            await ws.WaitForAsync("a", "ping");
        }

        Assert.True(connection.IsOpen);
        await ws.PingAsync("a");
        await ws.WaitForAsync("a", "pong");
        await ws.SendAsync("a", "still here");
        Assert.Equal("still here", await ws.ReceiveTextAsync("a"));
        Assert.Equal(0, component.Closed.Count);
    }

    [Fact]
    public async Task A_ws_client_whose_socket_is_paused_stops_answering_pings_and_is_closed()
    {
        var component = new EchoComponent();
        await using var server = await StartAsync(component, o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
        var connection = await component.Opened.WaitForAsync().WaitAsync(Timeout);

        await ws.PauseAsync("a");

        await component.ClosedAsync(connection.Id).WaitAsync(Timeout);
        Assert.False(connection.IsOpen);
        await ws.ResumeAsync("a");
        await ws.ClosedAsync("a");
    }

    [Fact]
    public async Task A_ws_client_that_never_reads_is_closed_while_two_fast_ones_get_every_broadcast_message()
    {
        const int Count = 2000;
        const int Window = 32;
        var clients = new ConnectionSet();
        var component = EchoComponent.Tracking(clients);
        await using var server = await StartAsync(component, o =>
        {
            o.MaxSendQueueLength = 64;
            o.KeepAliveInterval = TimeSpan.Zero;
        });
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("slow", server.WebSocketUrl("/ws"));
        await ws.PauseAsync("slow");
        await ws.OpenAsync("fast1", server.WebSocketUrl("/ws"), options: new { report = "sequence" });
        await ws.OpenAsync("fast2", server.WebSocketUrl("/ws"), options: new { report = "sequence" });
        var opened = await component.Opened.WaitForCountAsync(3).WaitAsync(Timeout);
        var progress = new[] { new EventRecord<int>(), new EventRecord<int>() };
        var readers = new[] { ReadAllAsync("fast1", progress[0]), ReadAllAsync("fast2", progress[1]) };

        for (var sequence = 0; sequence < Count; sequence++)
        {
            var message = new byte[4096];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message, sequence);
            clients.Broadcast(message, WebSocketMessageType.Binary);
            if ((sequence + 1) % Window == 0)
            {
                await Task.WhenAll(progress.Select(p => p.WaitForCountAsync(sequence + 1))).WaitAsync(Timeout);
            }
        }

        await Task.WhenAll(readers).WaitAsync(Timeout);
        Assert.All(progress, p => Assert.Equal(Enumerable.Range(0, Count), p.Snapshot()));
        await server.WaitForLogAsync(WebSocketEvents.SendQueueFull, $"connection {opened[0].Id}:").WaitAsync(Timeout);
        await component.ClosedAsync(opened[0].Id, TimeSpan.FromSeconds(15)).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(opened[1].IsOpen && opened[2].IsOpen);

        async Task ReadAllAsync(string client, EventRecord<int> record)
        {
            for (var i = 0; i < Count; i++)
            {
                var message = await ws.WaitForAsync(client, "message");
                Assert.Equal(4096, message.GetProperty("length").GetInt32());
                record.Add(message.GetProperty("sequence").GetInt32());
            }
        }
    }

    [Fact]
    public async Task When_both_handlers_throw_ws_is_closed_with_1011_and_another_ws_client_keeps_working()
    {
        var component = new EchoComponent();
        component.OnMessage = (from, message) => message.Text == "fatal" ? throw new InvalidOperationException("handler failed") : from.SendAsync(message.Text);
        component.OnError = (_, e) => throw new InvalidOperationException("error handler failed too", e);
        await using var server = await StartAsync(component);
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("victim", server.WebSocketUrl("/ws"));
        await ws.OpenAsync("bystander", server.WebSocketUrl("/ws"));

        await ws.SendAsync("victim", "fatal");

        Assert.Equal(1011, (await ws.ClosedAsync("victim")).Code);
        await server.WaitForLogAsync(WebSocketEvents.ErrorHandlerFailed).WaitAsync(Timeout);
        await ws.SendAsync("bystander", "still served?");
        Assert.Equal("still served?", await ws.ReceiveTextAsync("bystander"));
    }

    [Fact]
    public async Task A_ws_client_from_another_origin_is_refused_with_403_and_one_from_the_allowed_origin_connects()
    {
        var component = new EchoComponent();
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", new OriginCheck(new WsServer(component), "https://chat.example")));
        await using var ws = await WsClientDriver.StartAsync();

        await ws.ConnectAsync("evil", server.WebSocketUrl("/ws"), options: new { origin = "https://evil.example" });

        var error = await ws.WaitForAsync("evil", "socket-error");
        Assert.Equal("Unexpected server response: 403", error.GetProperty("message").GetString());
        await ws.ClosedAsync("evil");
        await server.WaitForLogAsync(WebSocketEvents.Refused, "by OriginCheck").WaitAsync(Timeout);
        Assert.Equal(0, component.Opened.Count);

        await ws.OpenAsync("good", server.WebSocketUrl("/ws"), options: new { origin = "https://chat.example" });
        await ws.SendAsync("good", "hi");
        Assert.Equal("hi", await ws.ReceiveTextAsync("good"));
    }

    [Fact]
    public async Task A_ws_client_from_a_blocked_address_is_refused_with_403_until_unblocked()
    {
        var component = new EchoComponent();
        var blocks = new IpBlockList(new WsServer(component)).Block(IPAddress.Loopback);
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", blocks));
        await using var ws = await WsClientDriver.StartAsync();

        await ws.ConnectAsync("a", server.WebSocketUrl("/ws"));

        Assert.Equal("Unexpected server response: 403", (await ws.WaitForAsync("a", "socket-error")).GetProperty("message").GetString());
        await server.WaitForLogAsync(WebSocketEvents.Refused, "by IpBlockList").WaitAsync(Timeout);
        blocks.Unblock(IPAddress.Loopback);
        await ws.OpenAsync("a", server.WebSocketUrl("/ws"));
    }

    [Fact]
    public async Task Two_components_on_two_paths_each_serve_their_own_ws_clients()
    {
        var chat = new EchoComponent("chat: ");
        var echo = new EchoComponent("echo: ");
        await using var server = await ComponentServer.StartAsync(app =>
        {
            app.MapWebSocketComponent("/chat", chat);
            app.MapWebSocketComponent("/echo", echo);
        });
        await using var ws = await WsClientDriver.StartAsync();
        await ws.OpenAsync("c", server.WebSocketUrl("/chat"));
        await ws.OpenAsync("e", server.WebSocketUrl("/echo"));

        await ws.SendAsync("c", "one");
        await ws.SendAsync("e", "two");

        Assert.Equal("chat: one", await ws.ReceiveTextAsync("c"));
        Assert.Equal("echo: two", await ws.ReceiveTextAsync("e"));
        Assert.Equal(["one"], chat.Messages.Snapshot().Select(m => m.Text));
        Assert.Equal(["two"], echo.Messages.Snapshot().Select(m => m.Text));
    }
}
