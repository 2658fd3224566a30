using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using Switchboard.Connections;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.Connections;

/// <summary>
/// The frames <see cref="MessageSender"/> writes itself for a handed-off WebSocket, read back by
/// .NET's client WebSocket: random messages in random batches, with the server WebSocket's own
/// control frames written in between, writers taking turns at the write gate, nothing after the
/// close frame, and no hang when the WebSocket is aborted.
/// </summary>
public sealed class MessageSenderTests
{
    // Around each of the three header sizes (7-bit, 16-bit and 64-bit lengths) and past a pipe segment.
    private static readonly int[] Lengths = [0, 1, 2, 100, 125, 126, 127, 1_000, 4_096, 5_000, 65_535, 65_536, 70_000];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_messages_in_random_batches_arrive_whole_and_in_order(int seed)
    {
        using var pair = new Pair(keepAlive: false);
        await SendAndCheckAsync(pair, new Random(seed), count: 1_500);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task The_WebSockets_own_pings_and_pongs_go_between_batches_without_breaking_a_frame(int seed)
    {
        // The client pings every millisecond and wants pongs, which the server's WebSocket writes
        // from its receive loop; the server sends unsolicited pongs of its own from a timer.
        using var pair = new Pair(keepAlive: true);
        var serverReceiving = pair.ServerReceiveUntilCloseAsync();

        await SendAndCheckAsync(pair, new Random(seed), count: 3_000);

        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WithTimeout();
        await serverReceiving.WithTimeout();
    }

    [Fact]
    public async Task Nothing_is_sent_after_the_WebSockets_close_frame()
    {
        using var pair = new Pair(keepAlive: false);
        await pair.Sender.SendAsync("early"u8.ToArray(), WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage);
        await pair.Sender.FlushAsync();

        await pair.Server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WithTimeout();
        await pair.Sender.SendAsync("late"u8.ToArray(), WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage);
        await pair.Sender.FlushAsync();

        var frames = await pair.ReadRawFramesAsync();
        Assert.Equal([(0x1, "early"), (0x8, "\u0003\u00e8bye")], frames);
    }

    [Fact]
    public async Task An_abort_while_a_flush_waits_for_the_client_ends_the_flush_and_the_WebSockets_own_write()
    {
        // Nobody reads the client side, so the batch's flush waits; the close frame waits for the gate behind it.
        using var pair = new Pair(keepAlive: false, pauseAt: 1_024);
        await pair.Sender.SendAsync(new byte[4_000], WebSocketMessageType.Binary, WebSocketMessageFlags.EndOfMessage);
        var flush = pair.Sender.FlushAsync().AsTask();
        var close = pair.Server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.False(flush.IsCompleted);
        Assert.False(close.IsCompleted);

        pair.Server.Abort();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flush.WithTimeout());
        await Assert.ThrowsAnyAsync<Exception>(() => close.WithTimeout());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => pair.Sender.SendAsync(new byte[1], WebSocketMessageType.Binary, WebSocketMessageFlags.EndOfMessage).AsTask().WithTimeout());
    }

    [Fact]
    public async Task Writers_waiting_for_a_slow_write_through_get_the_gate_in_turn()
    {
        // Nobody reads yet, so the write-through's flush waits and keeps the gate: the writer loop's
        // batch and the WebSocket's own frame wait in line behind it, and sends meanwhile are refused.
        using var pair = new Pair(keepAlive: false, pauseAt: 1_024);
        var first = new string('a', 2_000);
        var nothingQueued = new SendQueue<int>(bound: 1);
        Assert.True(pair.Sender.TryBeginWriteThrough(nothingQueued));
        pair.Sender.WriteThrough(Encoding.ASCII.GetBytes(first), WebSocketMessageType.Text);
        pair.Sender.EndWriteThrough();
        var batch = pair.Sender.BeginBatchAsync().AsTask();
        var own = pair.Server.SendAsync("third"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        Assert.False(batch.IsCompleted);
        Assert.False(own.IsCompleted);
        Assert.False(pair.Sender.TryBeginWriteThrough(nothingQueued));

        var reading = Task.Run(async () => new[] { await pair.ReceiveTextAsync(), await pair.ReceiveTextAsync(), await pair.ReceiveTextAsync() });
        await batch.WithTimeout();
        await pair.Sender.SendAsync("second"u8.ToArray(), WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage);
        await pair.Sender.FlushAsync();
        await own.WithTimeout();

        Assert.Equal([first, "second", "third"], await reading.WithTimeout());
    }

    private static async Task SendAndCheckAsync(Pair pair, Random random, int count)
    {
        var messages = Enumerable.Range(0, count).Select(_ => RandomMessage(random)).ToArray();
        var batchSizes = Enumerable.Range(0, count).Select(_ => random.Next(1, 40)).ToArray();
        var sending = Task.Run(async () =>
        {
            for (int i = 0, batch = 0; i < messages.Length; batch++)
            {
                for (var end = Math.Min(messages.Length, i + batchSizes[batch]); i < end; i++)
                {
                    await pair.Sender.SendAsync(messages[i].Data, messages[i].Type, WebSocketMessageFlags.EndOfMessage);
                }

                await pair.Sender.FlushAsync();
            }
        });

        var buffer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < messages.Length; i++)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await pair.Client.ReceiveAsync(buffer.GetMemory(8_192), CancellationToken.None).AsTask().WithTimeout();
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            Assert.Equal(messages[i].Type, result.MessageType);
            Assert.True(messages[i].Data.AsSpan().SequenceEqual(buffer.WrittenSpan), $"message {i} of {messages[i].Data.Length} bytes differs");
        }

        await sending.WithTimeout();
    }

    private static (byte[] Data, WebSocketMessageType Type) RandomMessage(Random random)
    {
        var length = random.Next(3) == 0 ? random.Next(300) : Lengths[random.Next(Lengths.Length)];
        var data = new byte[length];
        if (random.Next(2) == 0)
        {
            random.NextBytes(data);
            return (data, WebSocketMessageType.Binary);
        }

        // The client checks that text is UTF-8.
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)random.Next('!', '~' + 1);
        }

        return (data, WebSocketMessageType.Text);
    }

    /// <summary>A server WebSocket as the hand-off builds it, over pipes, and .NET's client WebSocket at the other end.</summary>
    private sealed class Pair : IDisposable
    {
        private readonly Pipe _toClient;
        private readonly Pipe _toServer = new();

        public Pair(bool keepAlive, long pauseAt = 65_536)
        {
            _toClient = new Pipe(new PipeOptions(pauseWriterThreshold: pauseAt, resumeWriterThreshold: pauseAt / 2));
            var stream = new PipeStream(new Duplex(_toServer.Reader, _toClient.Writer));
            Server = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
            {
                IsServer = true,
                KeepAliveInterval = keepAlive ? TimeSpan.FromMilliseconds(1) : TimeSpan.Zero,
            });
            Sender = new MessageSender(Server, stream);
            Client = WebSocket.CreateFromStream(new PipeStream(new Duplex(_toClient.Reader, _toServer.Writer)), new WebSocketCreationOptions
            {
                IsServer = false,
                KeepAliveInterval = keepAlive ? TimeSpan.FromMilliseconds(1) : TimeSpan.Zero,
                KeepAliveTimeout = keepAlive ? TimeSpan.FromSeconds(30) : Timeout.InfiniteTimeSpan,
            });
        }

        public WebSocket Server { get; }

        public MessageSender Sender { get; }

        public WebSocket Client { get; }

        /// <summary>The client's next message, which must be text.</summary>
        public async Task<string> ReceiveTextAsync()
        {
            var buffer = new ArrayBufferWriter<byte>();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await Client.ReceiveAsync(buffer.GetMemory(4_096), CancellationToken.None).AsTask().WithTimeout();
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        /// <summary>Keeps a receive pending on the server, which is where its WebSocket answers pings, until the client closes.</summary>
        public async Task ServerReceiveUntilCloseAsync()
        {
            var buffer = new byte[1_024];
            while ((await Server.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }

        /// <summary>Ends the server's output and parses what it wrote: each frame's opcode and payload, a byte a char (a server does not mask).</summary>
        public async Task<List<(int Opcode, string Payload)>> ReadRawFramesAsync()
        {
            await _toClient.Writer.CompleteAsync();
            var frames = new List<(int, string)>();
            ReadResult read;
            do
            {
                read = await _toClient.Reader.ReadAsync().AsTask().WithTimeout();
                _toClient.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
            while (!read.IsCompleted);

            var bytes = read.Buffer.ToArray();
            for (var at = 0; at < bytes.Length;)
            {
                Assert.Equal(0x80, bytes[at] & 0xF0);
                Assert.Equal(0, bytes[at + 1] & 0x80);
                var length = bytes[at + 1] & 0x7F;
                Assert.True(length < 126, "the test's frames are short");
                frames.Add((bytes[at] & 0x0F, Encoding.Latin1.GetString(bytes, at + 2, length)));
                at += 2 + length;
            }

            return frames;
        }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
