using System.Text.Json;
using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Connection middleware (Node's <c>io.use</c>, <c>namespace.use</c>) with the real npm client: it
/// runs in order before the connection handlers, sees the handshake, and refuses a client by
/// throwing, which the client sees as <c>connect_error</c> with the message and <c>data</c>.
/// </summary>
public sealed class ConnectionMiddlewareTests
{
    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_refusal_reaches_the_client_as_connect_error_with_its_message_and_data(string mode)
    {
        var connected = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            io.Use(socket => socket.Handshake.Auth.TryGetProperty("token", out var token) && token.GetString() == "secret"
                ? Task.CompletedTask
                : throw new ConnectionRejectedException("not authorized", new { code = 401, hint = "send a token" }));
            io.OnConnection(socket => connected.Add(socket.Id));
        });
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("intruder", server.Url.ToString(), TransportMode.Options(mode, new { token = "guess" }));
        var refused = await node.WaitForAsync("intruder", "connect_error");
        Assert.Equal("not authorized", refused.GetProperty("message").GetString());
        Assert.Equal("""{"code":401,"hint":"send a token"}""", refused.GetProperty("data").GetRawText());

        var welcome = await node.ConnectInModeAsync("member", server.Url.ToString(), mode, new { token = "secret" });
        Assert.Equal([welcome.GetProperty("id").GetString()!], await connected.WaitForCountAsync(1));
        var state = await node.StateAsync("intruder");
        Assert.False(state.GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task Any_exception_refuses_with_its_message_and_no_data()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.Use(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("database unavailable");
        }));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("c", server.Url.ToString(), TransportMode.Options("websocket"));

        var refused = await node.WaitForAsync("c", "connect_error");
        Assert.Equal("database unavailable", refused.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Middleware_runs_in_order_before_the_handlers_and_what_it_stores_in_data_stays_with_the_socket()
    {
        var steps = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            io.Use(socket =>
            {
                steps.Add("first");
                socket.Data["user"] = socket.Handshake.Auth.GetProperty("user").GetString();
                return Task.CompletedTask;
            });
            io.Use(async socket =>
            {
                await Task.Yield();
                steps.Add("second saw " + socket.Data["user"]);
            });
            io.OnConnection(socket =>
            {
                steps.Add("connection");
                socket.On("whoami", () => socket.Data["user"]);
            });
        });
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectInModeAsync("c", server.Url.ToString(), "websocket", new { user = "ada" });

        Assert.Equal("ada", (await node.EmitWithAckAsync("c", "whoami"))[0].GetString());
        Assert.Equal(["first", "second saw ada", "connection"], steps.Snapshot());
    }

    [Fact]
    public async Task A_namespace_middleware_guards_only_its_namespace()
    {
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            io.Of("/admin").Use(_ => throw new ConnectionRejectedException("admins only"));
            io.Of("/public");
        });
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("admin", server.Url + "admin", TransportMode.Options("websocket"));
        Assert.Equal("admins only", (await node.WaitForAsync("admin", "connect_error")).GetProperty("message").GetString());

        await node.ConnectInModeAsync("main", server.Url.ToString(), "websocket");
        await node.ConnectInModeAsync("public", server.Url + "public", "websocket");
    }
}
