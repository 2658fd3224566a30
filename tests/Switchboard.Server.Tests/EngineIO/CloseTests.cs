using System.Net.WebSockets;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>Closing a session from either side.</summary>
public sealed class CloseTests
{
    [Fact]
    public async Task A_close_packet_over_polling_answers_the_pending_poll_with_a_noop_and_ends_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Engine.GetSession(sid)!.Closed += (_, reason) => closed.TrySetResult(reason);
        var poll = await server.StartPollAsync(polling, sid).WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "1").WithTimeout());

        EngineAssert.Payload("6", await poll.WithTimeout());
        Assert.Equal("transport close", await closed.Task.WithTimeout());
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_close_packet_over_polling_without_a_pending_poll_ends_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "1").WithTimeout());

        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_close_packet_over_websocket_closes_the_socket()
    {
        // Deviation: Node ignores "1" over WebSocket (the session ends by ping timeout); the
        // protocol says it closes the session, and so it does here.
        await using var server = await TestServer.StartAsync();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Engine.GetSession(sid)!.Closed += (_, reason) => closed.TrySetResult(reason);

        await socket.SendTextAsync("1");

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        Assert.Equal("transport close", await closed.Task.WithTimeout());
        Assert.Null(server.Engine.GetSession(sid));
    }

    [Fact]
    public async Task A_websocket_closed_by_the_client_ends_the_session_with_transport_close()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Engine.GetSession(sid)!.Closed += (_, reason) => closed.TrySetResult(reason);

        await socket.CloseAsync().WithTimeout();

        Assert.Equal("transport close", await closed.Task.WithTimeout());
        Assert.Null(server.Engine.GetSession(sid));
    }

    [Fact]
    public async Task A_server_close_flushes_queued_messages_then_the_close_packet_to_the_next_poll()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var session = server.Engine.GetSession(sid)!;
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Closed += (_, reason) => closed.TrySetResult(reason);

        Assert.True(session.Send("first"));
        Assert.True(session.Send([1, 2, 3, 4]));
        session.Close();

        Assert.False(session.IsOpen);
        Assert.False(session.Send("too late"));
        EngineAssert.Payload("4first\u001ebAQIDBA==\u001e1", await polling.PollAsync(sid).WithTimeout());
        Assert.Equal("forced close", await closed.Task.WithTimeout());
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_server_close_answers_a_pending_poll_with_the_close_packet()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var poll = await server.StartPollAsync(polling, sid).WithTimeout();

        server.Engine.GetSession(sid)!.Close();

        EngineAssert.Payload("1", await poll.WithTimeout());
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_server_close_of_a_polling_session_that_never_polls_again_ends_after_the_close_timeout()
    {
        var options = new EngineOptions { CloseTimeout = TimeSpan.FromMilliseconds(200) };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var session = server.Engine.GetSession(sid)!;
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Closed += (_, reason) => closed.TrySetResult(reason);

        session.Close();

        Assert.Equal("forced close", await closed.Task.WithTimeout());
        Assert.Null(server.Engine.GetSession(sid));
    }

    [Fact]
    public async Task A_server_close_over_websocket_sends_queued_messages_then_the_close_frame()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        var session = server.Engine.GetSession(sid)!;
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Closed += (_, reason) => closed.TrySetResult(reason);

        session.Send("first");
        session.Send([1, 2, 3, 4]);
        session.Send("last");
        session.Close();

        Assert.Equal("4first", await socket.ReceiveTextAsync().WithTimeout());
        var (type, data) = await socket.ReceiveAsync().WithTimeout();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, data);
        Assert.Equal("4last", await socket.ReceiveTextAsync().WithTimeout());
        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        Assert.Equal("forced close", await closed.Task.WithTimeout());
        Assert.Null(server.Engine.GetSession(sid));
    }

    [Fact]
    public async Task Close_all_closes_every_session()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var (socket, wsSid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        server.Engine.CloseAll();

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        EngineAssert.Payload("1", await polling.PollAsync(sid).WithTimeout());
        await server.WaitForSessionGoneAsync(wsSid).WithTimeout();
        Assert.Equal(0, server.Engine.ClientsCount);
    }
}
