using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Switchboard.EngineIO;
using Switchboard.EngineIO.Transports;
using Switchboard.SocketIO;

namespace Switchboard.Bench.Micro;

/// <summary>
/// The broadcast path from an emit to every recipient's send queue: the event is encoded once and
/// the same packets are queued to each socket, so the bytes allocated per broadcast must not grow
/// with the number of recipients. Sessions are real, their transports are not started.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class BroadcastBenchmarks
{
    private SocketIOServer _io = null!;
    private EngineSession[] _sessions = null!;

    [Params(10, 1000)]
    public int Recipients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _io = new SocketIOServer(new SocketIOOptions { MaxSendQueueLength = 1024 });
        var request = new EngineRequest(new DefaultHttpContext());
        _sessions = new EngineSession[Recipients];
        for (var i = 0; i < Recipients; i++)
        {
            var session = new EngineSession(_io.Engine, request, new PollingTransport());
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
    }
}
