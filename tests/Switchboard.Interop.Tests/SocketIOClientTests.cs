using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The real npm socket.io-client 4.8 against our server, in each transport mode: WebSocket only,
/// polling only, and polling upgraded to WebSocket.
/// </summary>
public sealed class SocketIOClientTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Connects_to_the_main_namespace_and_to_a_second_one_with_an_auth_payload(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("main", server.Url(), TransportMode.Options(mode));
        var connected = await node.WaitForAsync("main", "connect");
        var auth = await node.WaitForAsync("main", "event", e => e.GetProperty("event").GetString() == "auth");
        Assert.Equal(JsonValueKind.Object, auth.GetProperty("args")[0].ValueKind);
        await node.WaitForUpgradeIfExpectedAsync("main", mode);

        await node.ConnectAsync("admin", server.Url("/admin"), TransportMode.Options(mode, new { token = "abc" }));
        await node.WaitForAsync("admin", "connect");
        var adminAuth = await node.WaitForAsync("admin", "event", e => e.GetProperty("event").GetString() == "auth");
        Assert.Equal("abc", adminAuth.GetProperty("args")[0].GetProperty("token").GetString());

        var id = connected.GetProperty("id").GetString()!;
        var socket = server.Socket(id);
        Assert.NotEqual(socket.Connection.Id, socket.Id);
        Assert.Equal("/admin", Assert.Single(server.Server.Io.Of("/admin").Sockets.Values).Namespace.Name);
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Events_flow_both_ways_with_their_arguments(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        await node.WaitForAsync("c", "connect");
        await node.WaitForUpgradeIfExpectedAsync("c", mode);

        await node.EmitAsync("c", "echo", 1, "two", new { three = new[] { 3 } }, null, true);

        var echo = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo");
        Assert.Equal("""[1,"two",{"three":[3]},null,true]""", echo.GetProperty("args").GetRawText());
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Acknowledgements_flow_both_ways(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        await node.WaitForAsync("c", "connect");
        await node.WaitForUpgradeIfExpectedAsync("c", mode);

        var reply = await node.EmitWithAckAsync("c", "ask", "why");
        Assert.Equal("answer:why", reply[0].GetString());

        // The server emits "question" with an ack; the driver acknowledges with the same arguments.
        await node.EmitAsync("c", "ask-client", "how");
        var answered = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "client-answered");
        var args = answered.GetProperty("args");
        Assert.Equal("how", args[0].GetString());
        Assert.Equal(new byte[] { 7, 8 }, NodeClientDriver.ReadBinary(args[1]));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Binary_arguments_flow_both_ways(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        await node.WaitForAsync("c", "connect");
        await node.WaitForUpgradeIfExpectedAsync("c", mode);

        var payload = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await node.EmitAsync("c", "binary", NodeClientDriver.Binary(payload), "label");

        var back = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "binary");
        Assert.Equal(payload.Reverse().ToArray(), NodeClientDriver.ReadBinary(back.GetProperty("args")[0]));
        Assert.Equal("label", back.GetProperty("args")[1].GetString());
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_chat_message_reaches_every_other_client_but_not_its_sender(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await node.ConnectAsync(name, server.Url(), TransportMode.Options(mode));
            await node.WaitForAsync(name, "connect");
            await node.WaitForUpgradeIfExpectedAsync(name, mode);
        }

        await node.EmitAsync("a", "message", "hello from a");

        foreach (var name in new[] { "b", "c" })
        {
            var message = await node.WaitForAsync(name, "event", e => e.GetProperty("event").GetString() == "message");
            Assert.Equal("hello from a", message.GetProperty("args")[0].GetString());
        }

        Assert.True(await node.NoEventAsync("a", "event", Quiet, e => e.GetProperty("event").GetString() == "message"));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_server_side_disconnect_reaches_the_client(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        var id = (await node.WaitForAsync("c", "connect")).GetProperty("id").GetString()!;
        await node.WaitForUpgradeIfExpectedAsync("c", mode);

        await node.EmitAsync("c", "kick");

        var disconnect = await node.WaitForAsync("c", "disconnect");
        Assert.Equal("io server disconnect", disconnect.GetProperty("reason").GetString());
        Assert.Equal("server namespace disconnect", await server.DisconnectReasonAsync(id));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_disconnect_reaches_the_server(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        var id = (await node.WaitForAsync("c", "connect")).GetProperty("id").GetString()!;
        await node.WaitForUpgradeIfExpectedAsync("c", mode);

        await node.DisconnectAsync("c");

        Assert.Equal("client namespace disconnect", await server.DisconnectReasonAsync(id));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_payload_over_the_limit_disconnects_only_its_sender(string mode)
    {
        await using var server = await InteropServer.StartAsync(o => o.MaxHttpBufferSize = 10_000);
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("big", server.Url(), TransportMode.Options(mode));
        var id = (await node.WaitForAsync("big", "connect")).GetProperty("id").GetString()!;
        await node.WaitForUpgradeIfExpectedAsync("big", mode);
        await node.ConnectAsync("bystander", server.Url(), TransportMode.Options(mode));
        await node.WaitForAsync("bystander", "connect");

        await node.EmitAsync("big", "echo", new string('x', 20_000));

        await node.WaitForAsync("big", "disconnect");
        Assert.Equal("transport error", await server.DisconnectReasonAsync(id));
        await server.Server.Logs.WaitForAsync(e => e.Message.Contains("10000 bytes", StringComparison.Ordinal));
        var reply = await node.EmitWithAckAsync("bystander", "ask", "still there?");
        Assert.Equal("answer:still there?", reply[0].GetString());
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_that_stops_answering_pings_is_disconnected_with_ping_timeout(string mode)
    {
        await using var server = await InteropServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.PingTimeout = TimeSpan.FromMilliseconds(600);
        });
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        var id = (await node.WaitForAsync("c", "connect")).GetProperty("id").GetString()!;
        await node.WaitForUpgradeIfExpectedAsync("c", mode);

        await node.StopPongAsync("c");

        Assert.Equal("ping timeout", await server.DisconnectReasonAsync(id));
        await node.WaitForAsync("c", "disconnect");
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task The_client_reconnects_after_the_server_restarts(string mode)
    {
        var port = FreePort();
        var server = await InteropServer.StartAsync(port: port);
        await using var node = await NodeClientDriver.StartAsync();
        try
        {
            await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode, reconnection: true));
            var first = (await node.WaitForAsync("c", "connect")).GetProperty("id").GetString();
            await node.WaitForUpgradeIfExpectedAsync("c", mode);

            await server.DisposeAsync();
            await node.WaitForAsync("c", "disconnect");
            server = await InteropServer.StartAsync(port: port);

            var second = await node.WaitForAsync("c", "connect", timeout: TimeSpan.FromSeconds(20));
            Assert.NotEqual(first, second.GetProperty("id").GetString());
            var reply = await node.EmitWithAckAsync("c", "ask", "back?");
            Assert.Equal("answer:back?", reply[0].GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
