using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// The volatile flag with the real npm client: an event flagged volatile is dropped for a client
/// that cannot take it right now (over polling: no GET waiting), and delivered to one that can;
/// the events around it are never dropped. Same as Node's <c>volatile</c>.
/// </summary>
public sealed class VolatileTests
{
    [Fact]
    public async Task Volatile_events_are_dropped_while_a_polling_client_has_no_request_waiting_and_the_others_are_kept()
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), "polling");
        var socket = await sockets.WaitForAsync();

        await node.PausePollingAsync("c");
        await server.Io.EmitAsync("last-before-pause");
        Assert.Equal("last-before-pause", await node.NextEventNameAsync("c"));
        await node.WaitForAsync("c", "paused");

        await server.Io.Volatile.EmitAsync("volatile", 1);
        await server.Io.To("room").Volatile.EmitAsync("volatile", 2);
        await socket.Volatile.EmitAsync("volatile", 3);
        await server.Io.EmitAsync("kept", 4);
        await node.ResumePollingAsync("c");

        // The outbox keeps order: a volatile event that had been queued would come first.
        var next = await node.WaitForAsync("c", "event");
        Assert.Equal("kept", next.GetProperty("event").GetString());
        Assert.Equal(4, next.GetProperty("args")[0].GetInt32());
    }

    [Theory, InlineData("websocket"), InlineData("upgrade")]
    public async Task Volatile_events_reach_a_client_that_can_take_them(string mode)
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await StartServerAsync(sockets);
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectInModeAsync("c", server.Url.ToString(), mode);
        var socket = await sockets.WaitForAsync();

        // A round trip over the final transport: the upgrade is complete on the server too.
        Assert.Equal("synced", (await node.EmitWithAckAsync("c", "sync"))[0].GetString());

        await server.Io.Volatile.EmitAsync("volatile", 1);
        Assert.Equal(1, (await node.WaitForAsync("c", "event")).GetProperty("args")[0].GetInt32());
        await server.Io.To("room").Volatile.EmitAsync("volatile", 2);
        Assert.Equal(2, (await node.WaitForAsync("c", "event")).GetProperty("args")[0].GetInt32());
        await socket.Volatile.EmitAsync("volatile", 3);
        Assert.Equal(3, (await node.WaitForAsync("c", "event")).GetProperty("args")[0].GetInt32());
    }

    private static Task<TestServer> StartServerAsync(EventRecord<Socket> sockets) =>
        TestServer.StartAsync(
            // No pings: nothing but the test's events may sit in the client's queue.
            o => o.PingInterval = TimeSpan.FromMinutes(5),
            io => io.OnConnection(socket =>
            {
                socket.Join("room");
                socket.On("sync", () => "synced");
                sockets.Add(socket);
            }));
}
