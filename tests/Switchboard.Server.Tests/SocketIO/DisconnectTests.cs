using Switchboard.Server.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>Every way a socket disconnects, with the reason the reference server gives.</summary>
public sealed class DisconnectTests
{
    private sealed class Reasons
    {
        private readonly Dictionary<string, TaskCompletionSource<string>> _byId = [];

        public void Track(Socket socket)
        {
            var reason = For(socket.Id);
            socket.OnDisconnect(r => reason.TrySetResult(r));
        }

        public Task<string> Of(string id) => For(id).Task.WaitAsync(TimeSpan.FromSeconds(10));

        private TaskCompletionSource<string> For(string id)
        {
            lock (_byId)
            {
                if (!_byId.TryGetValue(id, out var reason))
                {
                    _byId[id] = reason = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return reason;
            }
        }
    }

    [Fact]
    public async Task A_server_disconnect_sends_a_disconnect_packet_and_keeps_the_connection()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            io.OnConnection(socket =>
            {
                reasons.Track(socket);
                socket.On("bye", () => socket.Disconnect());
            });
            io.Of("/other").OnConnection(socket => socket.On("ping", () => "pong"));
        });
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;
        await ws.SendTextAsync("40/other,");
        Assert.StartsWith("40/other,", await ws.ReceiveTextAsync(), StringComparison.Ordinal);

        await ws.SendTextAsync("42[\"bye\"]");

        Assert.Equal("41", await ws.ReceiveTextAsync());
        Assert.Equal("server namespace disconnect", await reasons.Of(id));
        Assert.Empty(server.Io.Sockets.Sockets);
        await ws.SendTextAsync("42/other,1[\"ping\"]");
        Assert.Equal("43/other,1[\"pong\"]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_server_disconnect_with_close_disconnects_every_namespace_and_closes_the_connection()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            io.OnConnection(socket =>
            {
                reasons.Track(socket);
                socket.On("bye", () => socket.Disconnect(close: true));
            });
            io.Of("/other").OnConnection(reasons.Track);
        });
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;
        await ws.SendTextAsync("40/other,");
        var otherId = System.Text.Json.JsonDocument.Parse((await ws.ReceiveTextAsync())["40/other,".Length..]).RootElement.GetProperty("sid").GetString()!;

        await ws.SendTextAsync("42[\"bye\"]");

        var frames = new[] { await ws.ReceiveTextAsync(), await ws.ReceiveTextAsync() };
        Assert.Contains("41", frames);
        Assert.Contains("41/other,", frames);
        Assert.NotNull(await ws.WaitClosedAsync());
        Assert.Equal("server namespace disconnect", await reasons.Of(id));
        Assert.Equal("server namespace disconnect", await reasons.Of(otherId));
    }

    [Fact]
    public async Task A_client_disconnect_packet_gives_client_namespace_disconnect()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(reasons.Track));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("41");

        Assert.Equal("client namespace disconnect", await reasons.Of(id));
    }

    [Fact]
    public async Task A_dropped_connection_gives_transport_close()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(reasons.Track));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);

        await ws.DisposeAsync();

        Assert.Equal("transport close", await reasons.Of(id));
    }

    [Fact]
    public async Task An_engine_close_packet_gives_transport_close()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(reasons.Track));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("1");

        Assert.Equal("transport close", await reasons.Of(id));
    }

    [Fact]
    public async Task A_client_that_never_answers_pings_gives_ping_timeout()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.PingInterval = TimeSpan.FromMilliseconds(200);
                o.PingTimeout = TimeSpan.FromMilliseconds(300);
            },
            io => io.OnConnection(reasons.Track));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        Assert.Equal("ping timeout", await reasons.Of(id));
    }

    [Fact]
    public async Task A_malformed_packet_over_websocket_gives_forced_close()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(reasons.Track));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("4abc");

        Assert.Equal("forced close", await reasons.Of(id));
    }

    [Fact]
    public async Task Closing_the_server_gives_server_shutting_down_and_closes_the_connection()
    {
        var reasons = new Reasons();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(reasons.Track));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        server.Io.Close();

        Assert.Equal("server shutting down", await reasons.Of(id));
        Assert.NotNull(await ws.WaitClosedAsync());
    }
}
