using System.Text.Json;
using Switchboard.Server.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>How a handler's parameters bind to an event's arguments and how its return value becomes the acknowledgement.</summary>
public sealed class EventBindingTests
{
    public sealed record Point(int X, int Y);

    [Fact]
    public async Task Typed_parameters_bind_in_order_and_a_returned_value_is_the_acknowledgement()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
            socket.On("sum", (int a, Point p, string? missing) => new { total = a + p.X + p.Y, missing })));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("421[\"sum\",1,{\"x\":2,\"y\":3}]");

        Assert.Equal("431[{\"total\":6,\"missing\":null}]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_async_handler_acknowledges_with_the_result_of_its_task()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.On("task", async (string s) =>
            {
                await Task.Yield();
                return s.ToUpperInvariant();
            });
            socket.On("valuetask", (string s) => ValueTask.FromResult(s.Length));
        }));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("427[\"task\",\"abc\"]");
        Assert.Equal("437[\"ABC\"]", await ws.ReceiveTextAsync());
        await ws.SendTextAsync("428[\"valuetask\",\"abcd\"]");
        Assert.Equal("438[4]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_acknowledgement_parameter_answers_once_with_several_arguments()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
            socket.On("ask", (string question, Acknowledgement ack) =>
            {
                ack.Send("first", 2);
                ack.Send("ignored");
            })));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("425[\"ask\",\"q\"]");
        await ws.SendTextAsync("426[\"ask\",\"q\"]");

        Assert.Equal("435[\"first\",2]", await ws.ReceiveTextAsync());
        Assert.Equal("436[\"first\",2]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task Binary_parameters_bind_as_byte_arrays_or_memory_and_raw_json_as_elements()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
            socket.On("mixed", (byte[] first, ReadOnlyMemory<byte> second, JsonElement raw, EventArguments all) =>
                socket.EmitAsync("seen", first.Length, second.Length, raw.GetRawText(), all.Count, second.ToArray()))));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("452-[\"mixed\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},{\"k\":[1]}]");
        await ws.SendBinaryAsync([1, 2, 3]);
        await ws.SendBinaryAsync([4, 5]);

        Assert.Equal("451-[\"seen\",3,2,\"{\\\"k\\\":[1]}\",3,{\"_placeholder\":true,\"num\":0}]", await ws.ReceiveTextAsync());
        Assert.Equal(new byte[] { 4, 5 }, (await ws.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task A_handler_that_throws_is_logged_and_the_socket_keeps_working()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.On("boom", new Action<string>(_ => throw new InvalidOperationException("boom")));
            socket.On("typed", (int n) => n);
            socket.On("echo", (string s) => s);
        }));
        var (ws, id) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("42[\"boom\",\"x\"]");
        await ws.SendTextAsync("421[\"typed\",\"not a number\"]");
        await ws.SendTextAsync("422[\"echo\",\"alive\"]");

        Assert.Equal("432[\"alive\"]", await ws.ReceiveTextAsync());
        await server.Logs.WaitForAsync(e => e.EventId.Id == 107 && e.Message.Contains("\"boom\"", StringComparison.Ordinal) && e.Message.Contains(id, StringComparison.Ordinal));
        await server.Logs.WaitForAsync(e => e.EventId.Id == 107 && e.Message.Contains("\"typed\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Several_handlers_of_one_event_all_run()
    {
        var calls = 0;
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            socket.On("e", () => Interlocked.Increment(ref calls));
            socket.On("e", () => socket.EmitAsync("done", Interlocked.Increment(ref calls)));
        }));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        await ws.SendTextAsync("42[\"e\"]");

        Assert.Equal("42[\"done\",2]", await ws.ReceiveTextAsync());
    }

    [Fact]
    public void Emitting_a_reserved_event_name_is_refused()
    {
        var io = new SocketIOServer(new SocketIOOptions());

        var error = Assert.Throws<ArgumentException>(() => { _ = io.EmitAsync("disconnect"); });

        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }
}
