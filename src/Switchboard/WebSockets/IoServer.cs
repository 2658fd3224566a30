using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Hosting;

namespace Switchboard.WebSockets;

/// <summary>
/// A standalone server for one pipeline, for those who do not want to write an ASP.NET Core host:
/// <c>IoServer.Factory(new HttpServer(new WsServer(new Chat())), 8080).Run();</c> as in Ratchet.
/// Built on Kestrel; every path is served by the pipeline, and WebSockets are handed off (<c>UseWebSocketHandoff</c>).
/// </summary>
public sealed class IoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IoServer(WebApplication app) => _app = app;

    /// <summary>The address the server listens on, with the actual port (useful when asking for port 0).</summary>
    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// Creates a server for <paramref name="component"/> on <paramref name="port"/>. The address
    /// defaults to loopback (Ratchet's is 0.0.0.0); pass <see cref="IPAddress.Any"/> to serve other machines.
    /// </summary>
    public static IoServer Factory(IHttpComponent component, int port = 80, IPAddress? address = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(address ?? IPAddress.Loopback, port, listen => listen.UseWebSocketHandoff()));
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(component.HandleAsync);
        return new IoServer(app);
    }

    /// <summary>Serves until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public void Run() => _app.Run();

    /// <summary>Starts serving and returns.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _app.StartAsync(cancellationToken);

    /// <summary>Stops serving: no new connections, open ones are closed.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
