using System.Net;
using System.Net.WebSockets;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>
/// Bad input from a client: each case is answered as the reference answers it, is logged, closes
/// only the offending session and leaves a bystander session (opened before) working.
/// </summary>
public sealed class MalformedInputTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("7")]
    [InlineData("4hello\u001e")]
    [InlineData("\u001e")]
    [InlineData("bnot base64!")]
    public async Task A_malformed_payload_is_answered_ok_then_the_session_is_gone(string payload)
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, payload).WithTimeout());

        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, sid).WithTimeout();
        await server.WaitForLogAsync(EngineEvents.SessionClosed, $"{sid} closed: parse error").WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task Messages_before_a_malformed_record_are_delivered_before_the_session_closes()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var received = new List<string>();
        server.Engine.GetSession(sid)!.Message += (_, data, _) => received.Add(System.Text.Encoding.UTF8.GetString(data));

        EngineAssert.Ok(await polling.PostAsync(sid, "4first\u001e4second\u001eabc\u001e4never").WithTimeout());

        Assert.Equal(["first", "second"], received);
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_post_of_invalid_utf8_is_answered_ok_then_the_session_is_gone()
    {
        // Deviation: Node decodes the body leniently (U+FFFD) and echoes it; this server treats
        // text that is not UTF-8 as a malformed packet, as a WebSocket does.
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostBytesAsync(sid, [(byte)'4', 0xFF, 0xFE, (byte)'x']).WithTimeout());

        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, "InvalidUtf8").WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task A_post_with_an_octet_stream_body_gets_400_and_closes_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        var (status, body) = await polling.PostBytesAsync(sid, [1, 2, 3, 4], "application/octet-stream").WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("", body);
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, sid).WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task Two_concurrent_polls_close_the_session_the_first_gets_a_close_packet_and_the_second_400()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var first = await server.StartPollAsync(polling, sid).WithTimeout();

        using var second = await polling.Http.GetAsync(polling.Url($"EIO=4&transport=polling&sid={sid}")).WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("", await second.Content.ReadAsStringAsync().WithTimeout());
        Assert.Null(second.Content.Headers.ContentType);
        EngineAssert.Payload("1", await first.WithTimeout());
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, "overlapping GET").WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task Two_concurrent_posts_close_the_session_and_the_second_gets_400()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        using var held = new HeldContent("4hel", "lo");
        var first = await server.StartAcceptedAsync(sid, "POST", () => polling.Http.PostAsync(polling.Url($"EIO=4&transport=polling&sid={sid}"), held)).WithTimeout();

        var (status, body) = await polling.PostAsync(sid, "4second").WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("", body);
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, "overlapping POST").WithTimeout();
        held.Release();
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () => (await first.WithTimeout()).Dispose());
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task A_post_aborted_before_its_body_is_complete_closes_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        using var held = new HeldContent("4hel", "lo");
        using var abort = new CancellationTokenSource();
        var post = await server.StartAcceptedAsync(sid, "POST", () => polling.Http.PostAsync(polling.Url($"EIO=4&transport=polling&sid={sid}"), held, abort.Token)).WithTimeout();

        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post.WithTimeout());
        await server.WaitForLogAsync(EngineEvents.SessionClosed, $"{sid} closed: transport error").WithTimeout();
        using var other = server.Polling();
        EngineAssert.UnknownSid(await other.PollAsync(sid).WithTimeout());
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task An_aborted_pending_poll_closes_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        using var abort = new CancellationTokenSource();
        var poll = await server.StartPollAsync(polling, sid, abort.Token).WithTimeout();

        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll.WithTimeout());
        await server.WaitForLogAsync(EngineEvents.SessionClosed, $"{sid} closed: transport error").WithTimeout();
        using var other = server.Polling();
        EngineAssert.UnknownSid(await other.PollAsync(sid).WithTimeout());
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2probe")]
    public async Task A_ping_from_a_polling_client_closes_the_session(string payload)
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, payload).WithTimeout());

        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, "invalid heartbeat direction").WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("7")]
    [InlineData("")]
    public async Task A_malformed_websocket_text_frame_closes_the_socket(string frame)
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendTextAsync(frame);

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, sid).WithTimeout();
        await server.WaitForSessionGoneAsync(sid).WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task Invalid_utf8_in_a_websocket_text_frame_closes_the_socket_with_1007()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendTextBytesAsync([(byte)'4', 0xFF, 0xFE, (byte)'x']);

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForSessionGoneAsync(sid).WithTimeout();
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, sid).WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task A_ping_from_a_websocket_client_closes_the_session()
    {
        await using var server = await TestServer.StartAsync();
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendTextAsync("2");

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, "invalid heartbeat direction").WithTimeout();
        await server.WaitForSessionGoneAsync(sid).WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task A_probe_on_a_websocket_session_closes_it()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendTextAsync("2probe");

        Assert.NotNull(await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForSessionGoneAsync(sid).WithTimeout();
    }
}
