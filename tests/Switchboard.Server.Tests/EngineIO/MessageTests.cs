using System.Net;
using System.Net.WebSockets;
using System.Text;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>Messages through the echo server, over polling and WebSocket.</summary>
public sealed class MessageTests
{
    [Fact]
    public async Task A_posted_message_is_answered_ok_and_echoed_to_the_next_poll()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        using var post = await polling.Http.PostAsync(polling.Url($"EIO=4&transport=polling&sid={sid}"), new StringContent("4hello", Encoding.UTF8, "text/plain")).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("ok", await post.Content.ReadAsStringAsync().WithTimeout());
        Assert.Equal("text/html", post.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", post.Headers.CacheControl?.ToString());
        Assert.Equal(2, post.Content.Headers.ContentLength);

        using var get = await polling.Http.GetAsync(polling.Url($"EIO=4&transport=polling&sid={sid}")).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("4hello", await get.Content.ReadAsStringAsync().WithTimeout());
        Assert.Equal("text/plain; charset=UTF-8", get.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", get.Headers.CacheControl?.ToString());
        Assert.Equal(6, get.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_pending_poll_receives_a_message_posted_while_it_waits()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var poll = await server.StartPollAsync(polling, sid).WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "4hello").WithTimeout());

        EngineAssert.Payload("4hello", await poll.WithTimeout());
    }

    [Fact]
    public async Task A_batch_of_three_messages_is_echoed_in_one_poll()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "4test1\u001e4test2\u001e4test3").WithTimeout());

        EngineAssert.Payload("4test1\u001e4test2\u001e4test3", await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_binary_message_in_a_payload_is_echoed_as_base64()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "4hello\u001ebAQIDBA==").WithTimeout());

        EngineAssert.Payload("4hello\u001ebAQIDBA==", await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task Multibyte_text_survives_a_polling_round_trip()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "4€ é 😀").WithTimeout());

        EngineAssert.Payload("4€ é 😀", await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task An_empty_message_is_echoed_as_a_bare_message_packet()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "4").WithTimeout());

        EngineAssert.Payload("4", await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task Noop_upgrade_and_open_packets_on_the_current_transport_are_ignored()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        EngineAssert.Ok(await polling.PostAsync(sid, "6\u001e5\u001e0\u001e4after").WithTimeout());

        EngineAssert.Payload("4after", await polling.PollAsync(sid).WithTimeout());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Messages_sent_from_four_threads_at_once_all_arrive_each_threads_in_order(bool handoff)
    {
        // Each send is written by its own thread when nothing is queued, and queued for the writer
        // loop when something is: the two must never reorder one thread's messages. The client stops
        // reading for a moment, so that sends back up (4 MB, past the socket's buffers) and queue.
        var sends = new ThreadedSends(threads: 4, perThread: 1_000);
        var options = new EngineOptions { PingInterval = TimeSpan.FromSeconds(5), PingTimeout = TimeSpan.FromSeconds(5), MaxSendQueueLength = sends.Total + 10 };
        await using var server = await TestServer.StartAsync(engineOptions: options, handoff: handoff);
        server.Engine.Connection += session => session.Message += (s, data, binary) =>
        {
            if (!binary && data.SequenceEqual("burst"u8))
            {
                sends.Start(message => s.Send(message));
            }
        };
        var (opened, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var socket = opened;

        await socket.SendTextAsync("4burst");

        while (sends.Received < sends.Total)
        {
            var packet = await socket.ReceiveTextAsync().WithTimeout();
            if (packet is "4burst" or "2")
            {
                continue;
            }

            sends.Check(packet[1..]);
            if (sends.Received == 100)
            {
                await Task.Delay(300);
            }
        }
    }

    [Fact]
    public async Task A_websocket_text_message_is_echoed()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendTextAsync("4hello");

        Assert.Equal("4hello", await socket.ReceiveTextAsync().WithTimeout());
    }

    [Fact]
    public async Task A_websocket_binary_message_is_echoed_as_binary()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendBinaryAsync([1, 2, 3, 4]);

        var (type, data) = await socket.ReceiveAsync().WithTimeout();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, data);
    }

    [Fact]
    public async Task A_base64_text_frame_over_websocket_is_a_binary_message()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        await socket.SendTextAsync("bAQIDBA==");

        var (type, data) = await socket.ReceiveAsync().WithTimeout();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, data);
    }

    [Fact]
    public async Task Websocket_messages_are_echoed_in_order()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        for (var i = 0; i < 50; i++)
        {
            await socket.SendTextAsync($"4m{i}");
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"4m{i}", await socket.ReceiveTextAsync().WithTimeout());
        }
    }
}
