using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;

namespace Switchboard.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a free port for Ratchet-style WebSocket components: the
/// test maps its components (<c>app.MapWebSocketComponent(...)</c>); everything is logged into <see cref="Logs"/>.
/// </summary>
public sealed class ComponentServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ComponentServer(WebApplication app, LogCollector logs)
    {
        _app = app;
        Logs = logs;
        Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41065.</summary>
    public Uri Url { get; }

    /// <summary>Everything the server logged.</summary>
    public LogCollector Logs { get; }

    /// <summary>
    /// Starts a server whose endpoints <paramref name="map"/> adds; <paramref name="handoff"/> false serves WebSockets
    /// inside their requests instead of handing them off (<c>UseWebSocketHandoff</c>). <paramref name="kestrel"/>
    /// adjusts Kestrel (its limits), <paramref name="listen"/> the listener after the hand-off is added (TLS).
    /// </summary>
    public static async Task<ComponentServer> StartAsync(
        Action<WebApplication> map, bool handoff = true, Action<KestrelServerOptions>? kestrel = null, Action<ListenOptions>? listen = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var logs = new LogCollector();
        var builder = WebApplication.CreateSlimBuilder();
        // An appsettings.json in the test's output folder (the chat app's, in the interop tests)
        // must not raise the level: this rule comes after the configuration's and wins.
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug).AddFilter((string?)null, LogLevel.Debug);
        builder.WebHost.UseKestrel(k =>
        {
            kestrel?.Invoke(k);
            k.Listen(IPAddress.Loopback, 0, options =>
            {
                if (handoff)
                {
                    options.UseWebSocketHandoff();
                }

                listen?.Invoke(options);
            });
        });
        var app = builder.Build();
        map(app);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StartAsync(timeout.Token).ConfigureAwait(false);
        return new ComponentServer(app, logs);
    }

    /// <summary>The WebSocket address of a path (and query) on this server.</summary>
    public Uri WebSocketUrl(string pathAndQuery) => new($"ws://{Url.Authority}{pathAndQuery}");

    /// <summary>Waits for a log line with <paramref name="eventId"/> whose message contains <paramref name="text"/>.</summary>
    public Task<LogEntry> WaitForLogAsync(int eventId, string text = "") =>
        Logs.WaitForAsync(e => e.EventId.Id == eventId && e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Stops the server: what it does with open connections is what a host's shutdown does.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
