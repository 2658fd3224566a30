// A Switchboard server with the Redis Streams adapter and connection state recovery on 127.0.0.1 and a free port,
// running the test cluster's handlers (ClusterApp) on / and /admin.
//
// Environment: REDIS_CONFIGURATION (127.0.0.1:PORT), REDIS_KEY (the adapter's stream, channel prefix and session key
// prefix, named as the tests' other servers name them), SERVER_NAME.
// Stdout: one line, {"type":"listening","port":N}, once the adapter listens on Redis. Exits when stdin ends.
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;
using Switchboard.Redis;
using Switchboard.Redis.Tests.Harness;
using Switchboard.SocketIO;

var configuration = Environment.GetEnvironmentVariable("REDIS_CONFIGURATION") ?? throw new InvalidOperationException("REDIS_CONFIGURATION is required.");
var key = Environment.GetEnvironmentVariable("REDIS_KEY") ?? "socket.io";
var name = Environment.GetEnvironmentVariable("SERVER_NAME") ?? "switchboard";

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseWebSocketHandoff()));
builder.Services.AddSocketIO(o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions())
    .AddRedisStreamsAdapter(configuration, o =>
    {
        o.StreamName = key;
        o.ChannelPrefix = key;
        o.SessionKeyPrefix = key + ":session:";
    });

await using var app = builder.Build();
var io = app.MapSocketIO();
ClusterApp.Register(io, name);
await app.StartAsync();
foreach (var nsp in new[] { io.Sockets, io.Of("/admin") })
{
    await ((RedisStreamsAdapter)nsp.Adapter).Listening.WaitAsync(TimeSpan.FromSeconds(30));
}

var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
Console.Out.WriteLine(JsonSerializer.Serialize(new { type = "listening", port }));
Console.Out.Flush();
await Console.In.ReadToEndAsync();
await app.StopAsync();
