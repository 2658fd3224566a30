using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.EngineIO;
using Switchboard.Hosting;
using Switchboard.SocketIO;

namespace Switchboard.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with Socket.IO at /socket.io/ and a bare Engine.IO echo
/// server at /engine.io/, as the reference protocol test suites configure theirs.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, SocketIOServer io, EngineServer engine, LogCollector logs)
    {
        _app = app;
        Io = io;
        Engine = engine;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address);
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41065.</summary>
    public Uri Url { get; }

    /// <summary>The Socket.IO server.</summary>
    public SocketIOServer Io { get; }

    /// <summary>The standalone Engine.IO echo server at /engine.io/.</summary>
    public EngineServer Engine { get; }

    /// <summary>Everything the server logged.</summary>
    public LogCollector Logs { get; }

    /// <summary>
    /// Starts a server; <paramref name="configure"/> adjusts the options, <paramref name="setup"/> adds handlers,
    /// <paramref name="clock"/> replaces the system clock, <paramref name="extend"/> chains onto <c>AddSocketIO</c> (a scale-out adapter);
    /// <paramref name="handoff"/> false serves WebSockets inside their requests instead of handing them off (<c>UseWebSocketHandoff</c>).
    /// </summary>
    public static async Task<TestServer> StartAsync(
        Action<SocketIOOptions>? configure = null, Action<SocketIOServer>? setup = null, int port = 0, EngineOptions? engineOptions = null,
        TimeProvider? clock = null, Action<SocketIOBuilder>? extend = null, bool handoff = true)
    {
        var logs = new LogCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            if (handoff)
            {
                listen.UseWebSocketHandoff();
            }
        }));
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        var socketIO = builder.Services.AddSocketIO(o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(5);
            o.PingTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        extend?.Invoke(socketIO);

        var app = builder.Build();
        var io = app.MapSocketIO();
        var engine = app.MapEngineIO("/engine.io", engineOptions ?? new EngineOptions { PingInterval = TimeSpan.FromSeconds(5), PingTimeout = TimeSpan.FromSeconds(5) });
        engine.Connection += session => session.Message += static (s, data, binary) =>
        {
            if (binary)
            {
                s.Send(data.ToArray());
            }
            else
            {
                s.Send(System.Text.Encoding.UTF8.GetString(data));
            }
        };
        (setup ?? ProtocolSuiteHandlers)(io);
        await app.StartAsync().ConfigureAwait(false);
        return new TestServer(app, io, engine, logs);
    }

    /// <summary>The handlers of the reference Socket.IO v5 test suite, on <c>/</c> and <c>/custom</c>.</summary>
    public static void ProtocolSuiteHandlers(SocketIOServer io)
    {
        ArgumentNullException.ThrowIfNull(io);
        foreach (var nsp in new[] { io.Sockets, io.Of("/custom") })
        {
            nsp.OnConnection(socket =>
            {
                socket.EmitAsync("auth", socket.Handshake.Auth);
                socket.On("message", (EventArguments args) => socket.EmitAsync("message-back", args.ToArray()));
                socket.On("message-with-ack", (EventArguments args, Acknowledgement ack) => ack.Send(args.ToArray()));
            });
        }
    }

    /// <summary>The WebSocket address of a path on this server.</summary>
    public Uri WebSocketUrl(string pathAndQuery) => new($"ws://{Url.Authority}{pathAndQuery}");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
