using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Switchboard.Connections;
using Switchboard.EngineIO;
using Switchboard.EngineIO.Transports;
using Switchboard.SocketIO;

namespace Switchboard.Bench.Micro;

/// <summary>
/// The broadcast path from an emit to every recipient: the event is encoded once and the same
/// packets go to each socket, so the bytes allocated per broadcast must not grow with the number
/// of recipients. Sessions are real. Over <c>polling</c> each recipient's packets are queued (the
/// path of any client with a backlog); over <c>websocket</c> each recipient is a handed-off
/// WebSocket over in-memory pipes, written through by the broadcasting thread into its pipe.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class BroadcastBenchmarks
{
    private SocketIOServer _io = null!;
    private EngineSession[] _sessions = null!;
    private PipeReader[] _clients = null!;

    [Params(10, 1000)]
    public int Recipients { get; set; }

    [Params("polling", "websocket")]
    public string Transport { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _io = new SocketIOServer(new SocketIOOptions { MaxSendQueueLength = 1024 });
        var request = new EngineRequest(new DefaultHttpContext());
        _sessions = new EngineSession[Recipients];
        _clients = new PipeReader[Transport == "websocket" ? Recipients : 0];
        var blocks = new BlockPool();
        for (var i = 0; i < Recipients; i++)
        {
            EngineSession session;
            if (Transport == "websocket")
            {
                var (toClient, toServer) = (new Pipe(new PipeOptions(pool: blocks)), new Pipe(new PipeOptions(pool: blocks)));
                var stream = new PipeStream(new Duplex(toServer.Reader, toClient.Writer));
                var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });
                var transport = new WebSocketTransport(socket, new MessageSender(socket, stream));
                session = new EngineSession(_io.Engine, request, transport);
                _ = transport.RunAsync(session);
                _clients[i] = toClient.Reader;
            }
            else
            {
                session = new EngineSession(_io.Engine, request, new PollingTransport());
            }

            var client = new Client(_io, session);
            _io.Sockets.ConnectAsync(client, null).GetAwaiter().GetResult();
            _sessions[i] = session;
        }

        Drain();
    }

    [Benchmark]
    public Task Namespace_emit_to_every_socket()
    {
        var sent = _io.EmitAsync("message", "hello", 42);
        Drain();
        return sent;
    }

    private void Drain()
    {
        foreach (var session in _sessions)
        {
            while (session.Outbox.TryRead(out _))
            {
            }
        }

        foreach (var client in _clients)
        {
            while (client.TryRead(out var read))
            {
                client.AdvanceTo(read.Buffer.End);
            }
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>
    /// Keeps every block returned to it, as Kestrel's pool of connection buffers does (the shared
    /// array pool would keep only a few and allocate a block per recipient).
    /// </summary>
    private sealed class BlockPool : MemoryPool<byte>
    {
        private const int BlockSize = 4096;
        private readonly ConcurrentQueue<Block> _free = new();

        public override int MaxBufferSize => BlockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
            minBufferSize > BlockSize ? throw new ArgumentOutOfRangeException(nameof(minBufferSize))
            : _free.TryDequeue(out var block) ? block : new Block(this);

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Block(BlockPool pool) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory { get; } = new byte[BlockSize];

            public void Dispose() => pool._free.Enqueue(this);
        }
    }
}
