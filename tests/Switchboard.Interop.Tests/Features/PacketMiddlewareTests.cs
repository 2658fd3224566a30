using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Per-socket packet middleware (Node's <c>socket.use</c>) with the real npm client: it runs for
/// every incoming event before the handlers; one that throws stops the event and its exception
/// goes to the socket's error handlers (Node's <c>socket.on("error")</c>).
/// </summary>
public sealed class PacketMiddlewareTests
{
    [Fact]
    public async Task A_throwing_middleware_stops_the_event_and_its_error_goes_to_the_error_handlers()
    {
        var handled = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.Use((name, _) => name == "forbidden" ? throw new InvalidOperationException("not allowed: " + name) : Task.CompletedTask);
            socket.OnError(e => socket.EmitAsync("refused", e.Message));
            socket.On("forbidden", () => handled.Add("forbidden"));
            socket.On("allowed", () =>
            {
                handled.Add("allowed");
                return "ok";
            });
        }));
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), "websocket");

        await node.EmitAsync("c", "forbidden");
        Assert.Equal("ok", (await node.EmitWithAckAsync("c", "allowed"))[0].GetString());

        var refused = await node.WaitForAsync("c", "event");
        Assert.Equal("refused", refused.GetProperty("event").GetString());
        Assert.Equal("not allowed: forbidden", refused.GetProperty("args")[0].GetString());
        Assert.Equal(["allowed"], handled.Snapshot());
    }

    [Fact]
    public async Task Middlewares_run_in_order_with_the_event_arguments_and_an_async_one_holds_the_event_until_it_completes()
    {
        var steps = new EventRecord<string>();
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.Use(async (name, args) =>
            {
                await Task.Yield();
                steps.Add($"first {name} {args.Get<int>(0)}");
            });
            socket.Use((name, _) =>
            {
                steps.Add("second " + name);
                return Task.CompletedTask;
            });
            socket.On("add", (int a, int b) =>
            {
                steps.Add("handler");
                return a + b;
            });
        }));
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), "websocket");

        Assert.Equal(5, (await node.EmitWithAckAsync("c", "add", 2, 3))[0].GetInt32());

        Assert.Equal(["first add 2", "second add", "handler"], steps.Snapshot());
    }
}
