using Switchboard.Server.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>The server asking a client for an acknowledgement.</summary>
public sealed class AcknowledgementTests
{
    [Fact]
    public async Task The_client_acknowledgement_completes_the_server_emit_with_its_arguments()
    {
        var answer = new TaskCompletionSource<EventArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(async socket =>
            answer.SetResult(await socket.EmitWithAckAsync("question", 1))));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        var question = await ws.ReceiveTextAsync();
        Assert.Matches("^42(\\d+)\\[\"question\",1\\]$", question);
        var ackId = question[2..question.IndexOf('[', StringComparison.Ordinal)];
        await ws.SendTextAsync($"43{ackId}[\"yes\",{{\"n\":2}}]");

        var args = await answer.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, args.Count);
        Assert.Equal("yes", args.Get<string>(0));
        Assert.Equal(2, args[1].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_binary_acknowledgement_carries_its_attachments()
    {
        var answer = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(async socket =>
            answer.SetResult((await socket.EmitWithAckAsync("file")).Get<byte[]>(0))));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        var question = await ws.ReceiveTextAsync();
        var ackId = question[2..question.IndexOf('[', StringComparison.Ordinal)];
        await ws.SendTextAsync($"461-{ackId}[{{\"_placeholder\":true,\"num\":0}}]");
        await ws.SendBinaryAsync([9, 8, 7]);

        Assert.Equal(new byte[] { 9, 8, 7 }, await answer.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Ack_ids_count_up_from_zero_per_namespace()
    {
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(socket =>
        {
            _ = socket.EmitWithAckAsync("a");
            _ = socket.EmitWithAckAsync("b");
        }));
        var (first, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _1 = first;
        var (second, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _2 = second;

        Assert.Equal("420[\"a\"]", await first.ReceiveTextAsync());
        Assert.Equal("421[\"b\"]", await first.ReceiveTextAsync());
        Assert.Equal("422[\"a\"]", await second.ReceiveTextAsync());
        Assert.Equal("423[\"b\"]", await second.ReceiveTextAsync());
    }

    [Fact]
    public async Task An_acknowledgement_that_does_not_come_in_time_fails_with_a_timeout()
    {
        var outcome = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(async socket =>
        {
            try
            {
                await socket.Timeout(TimeSpan.FromMilliseconds(200)).EmitWithAckAsync("question");
            }
            catch (Exception e)
            {
                outcome.SetResult(e);
            }
        }));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;

        Assert.IsType<TimeoutException>(await outcome.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_pending_acknowledgement_fails_when_the_socket_disconnects()
    {
        var outcome = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(setup: io => io.OnConnection(async socket =>
        {
            try
            {
                await socket.EmitWithAckAsync("question");
            }
            catch (Exception e)
            {
                outcome.SetResult(e);
            }
        }));
        var (ws, _) = await RawSocketIOClient.ConnectAsync(server);
        await using var _ = ws;
        await ws.ReceiveTextAsync();

        await ws.SendTextAsync("41");

        Assert.IsType<InvalidOperationException>(await outcome.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
