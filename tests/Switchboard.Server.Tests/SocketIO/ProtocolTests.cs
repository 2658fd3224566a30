using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>The reference Socket.IO v5 test suite, frame by frame, over a raw WebSocket.</summary>
public sealed class ProtocolTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Connect_to_the_main_namespace_answers_with_a_socket_id_distinct_from_the_session_id()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await OpenAsync(server);
        var open = JsonDocument.Parse((await ws.ReceiveTextAsync())[1..]).RootElement;

        await ws.SendTextAsync("40");

        var connect = await ws.ReceiveTextAsync();
        Assert.StartsWith("40{", connect, StringComparison.Ordinal);
        var payload = JsonDocument.Parse(connect[2..]).RootElement;
        Assert.Equal(["sid"], payload.EnumerateObject().Select(p => p.Name));
        Assert.NotEqual(open.GetProperty("sid").GetString(), payload.GetProperty("sid").GetString());
        Assert.Equal("42[\"auth\",{}]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task Connect_with_an_auth_payload_exposes_it_as_the_handshake_auth()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40{\"token\":\"123\"}", "42[\"auth\",{\"token\":\"123\"}]");
    }

    [Fact]
    public async Task Connect_to_a_custom_namespace_with_and_without_auth()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await OpenAsync(server);
        await ws.ReceiveTextAsync();

        await ws.SendTextAsync("40/custom,");
        Assert.StartsWith("40/custom,{\"sid\":", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Equal("42/custom,[\"auth\",{}]", await ws.ReceiveTextAsync());

        await using var other = await OpenAsync(server);
        await other.ReceiveTextAsync();
        await other.SendTextAsync("40/custom,{\"token\":\"abc\"}");
        Assert.StartsWith("40/custom,{\"sid\":", await other.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Equal("42/custom,[\"auth\",{\"token\":\"abc\"}]", await other.ReceiveTextAsync());
    }

    [Fact]
    public async Task Connect_to_an_unknown_namespace_is_refused_with_invalid_namespace_and_logged()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await OpenAsync(server);
        await ws.ReceiveTextAsync();

        await ws.SendTextAsync("40/random");

        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", await ws.ReceiveTextAsync());
        await server.Logs.WaitForAsync(e => e.EventId.Id == 104);

        // The connection stays usable.
        await ws.SendTextAsync("40");
        Assert.StartsWith("40{\"sid\":", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_that_joins_no_namespace_is_closed_after_the_connect_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(500));
        await using var ws = await OpenAsync(server);
        await ws.ReceiveTextAsync();

        await ws.WaitClosedAsync();

        await server.Logs.WaitForAsync(e => e.EventId.Id == 106);
    }

    [Theory]
    [InlineData("4abc")]
    [InlineData("42{}")]
    [InlineData("42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]")]
    [InlineData("42[\"connect\"]")]
    [InlineData("42[]")]
    [InlineData("42\"not an array\"")]
    [InlineData("452-[\"message\",{\"_placeholder\":true,\"num\":7}]")]
    [InlineData("411-[\"x\"]")]
    public async Task Malformed_packets_close_the_connection_are_logged_and_spare_other_clients(string frame)
    {
        await using var server = await TestServer.StartAsync();
        await using var bystander = await ConnectedAsync(server, "40", "42[\"auth\",{}]");
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync(frame);
        if (frame.StartsWith("452-", StringComparison.Ordinal))
        {
            await ws.SendBinaryAsync([1]);
            await ws.SendBinaryAsync([2]);
        }

        await ws.WaitClosedAsync();
        await server.Logs.WaitForAsync(e => e.EventId.Id is 103 or 105);
        await bystander.SendTextAsync("42[\"message\",\"still here\"]");
        Assert.Equal("42[\"message-back\",\"still here\"]", await bystander.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_event_for_a_namespace_not_joined_closes_the_connection()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("42/custom,[\"message\",1]");

        await ws.WaitClosedAsync();
        await server.Logs.WaitForAsync(e => e.EventId.Id == 105);
    }

    [Fact]
    public async Task Leaving_a_namespace_keeps_the_connection_open()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.PingTimeout = TimeSpan.FromSeconds(2);
        });
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("41");

        Assert.Equal("2", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task Leaving_one_namespace_keeps_the_others()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");
        await ws.SendTextAsync("40/custom,");
        Assert.StartsWith("40/custom,", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Equal("42/custom,[\"auth\",{}]", await ws.ReceiveTextAsync());

        await ws.SendTextAsync("41/custom,");
        await ws.SendTextAsync("42[\"message\",\"message to main namespace\"]");

        Assert.Equal("42[\"message-back\",\"message to main namespace\"]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_event_is_answered_with_its_arguments()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("42[\"message\",1,\"2\",{\"3\":[true]}]");

        Assert.Equal("42[\"message-back\",1,\"2\",{\"3\":[true]}]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_binary_event_is_answered_with_its_attachments()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await ws.SendBinaryAsync([1, 2, 3]);
        await ws.SendBinaryAsync([4, 5, 6]);

        Assert.Equal("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", await ws.ReceiveTextAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, (await ws.ReceiveAsync()).Data);
        Assert.Equal(new byte[] { 4, 5, 6 }, (await ws.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task An_event_with_an_ack_id_is_acknowledged()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");

        Assert.Equal("43456[1,\"2\",{\"3\":[false]}]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_binary_event_with_an_ack_id_is_acknowledged_with_a_binary_ack()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await ws.SendBinaryAsync([1, 2, 3]);
        await ws.SendBinaryAsync([4, 5, 6]);

        Assert.Equal("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", await ws.ReceiveTextAsync());
        Assert.Equal(new byte[] { 1, 2, 3 }, (await ws.ReceiveAsync()).Data);
        Assert.Equal(new byte[] { 4, 5, 6 }, (await ws.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task An_event_nobody_handles_is_ignored()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("421[\"nobody-listens\"]");
        await ws.SendTextAsync("42[\"message\",\"after\"]");

        Assert.Equal("42[\"message-back\",\"after\"]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_acknowledgement_with_an_unknown_id_is_ignored()
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await ConnectedAsync(server, "40", "42[\"auth\",{}]");

        await ws.SendTextAsync("4399[\"late\"]");
        await ws.SendTextAsync("42[\"message\",\"after\"]");

        Assert.Equal("42[\"message-back\",\"after\"]", await ws.ReceiveTextAsync());
    }

    private static async Task<RawWebSocket> OpenAsync(TestServer server) =>
        await RawWebSocket.ConnectAsync(server.WebSocketUrl("/socket.io/?EIO=4&transport=websocket"));

    private static async Task<RawWebSocket> ConnectedAsync(TestServer server, string connect, string expectedAuth)
    {
        var ws = await OpenAsync(server);
        Assert.StartsWith("0{", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
        await ws.SendTextAsync(connect);
        Assert.StartsWith("40", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Equal(expectedAuth, await ws.ReceiveTextAsync());
        return ws;
    }
}
