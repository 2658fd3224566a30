using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Switchboard.Bench.Load;
using Switchboard.Bench.Servers;
using Switchboard.Hosting;
using Switchboard.Redis;
using Switchboard.SocketIO;

// Two commands, one per process, so the run script can pin each to its own core:
//   serve <switchboard|signalr|naive|floor> [--port N]  prints "listening <port>"
//        switchboard only: [--redis host:port]  a node of a cluster over the Redis pub/sub adapter
//   load --scenario <fanout-rate|fanout-max|rooms|idle|ack|polling|cluster-fanout|cluster-fanout-max|cluster-fetch>
//        --server <label> --dialect <socketio|signalr|ws>
//        --port N [--clients N] [--rate R] [--duration S] [--pid P]      prints one JSON result line
//        idle only: [--warmup N] [--concurrency N] [--hold S]
//        cluster-*: --ports p1,p2,... instead of --port (clients spread over the nodes round-robin); cluster-fetch: [--count N]
var options = ParseOptions(args.Skip(1));
return args.FirstOrDefault() switch
{
    "serve" => await ServeAsync(args.ElementAtOrDefault(1) ?? "switchboard", options),
    "load" => await LoadAsync(options),
    _ => Usage(),
};

static async Task<int> ServeAsync(string server, Dictionary<string, string> options)
{
    var builder = WebApplication.CreateSlimBuilder();
    // Warnings reach the server's log; ASP.NET Core's own categories stay off, because hosting
    // creates an Activity and a log scope for every request whenever its logger is enabled.
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.None);
    builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, int.Parse(options.GetValueOrDefault("port", "0"), CultureInfo.InvariantCulture), listen =>
    {
        if (server == "floor")
        {
            listen.UseConnectionHandler<FloorServer>();
        }
        else if (server == "switchboard")
        {
            listen.UseWebSocketHandoff();
        }
    }));
    switch (server)
    {
        case "switchboard" when options.TryGetValue("redis", out var redis):
            builder.Services.AddSocketIO(o => o.MaxSendQueueLength = 65536).AddRedisAdapter(redis);
            break;
        case "switchboard":
            builder.Services.AddSocketIO(o => o.MaxSendQueueLength = 65536);
            break;
        case "signalr":
            builder.Services.AddSignalR();
            break;
    }

    var app = builder.Build();
    app.UseWebSockets();
    SocketIOServer? io = null;
    switch (server)
    {
        case "switchboard":
            io = SwitchboardServers.Map(app);
            break;
        case "signalr":
            app.MapHub<ChatHub>("/hub");
            break;
        case "naive":
            NaiveServer.Map(app);
            break;
        case "floor":
            break;
        default:
            return Usage();
    }

    await app.StartAsync();
    if (io?.Sockets.Adapter is RedisAdapter adapter)
    {
        // Ready only once subscribed: a broadcast from another node before that would be missed.
        await adapter.Listening;
    }

    var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    Console.WriteLine($"listening {address.Port}");
    await app.WaitForShutdownAsync();
    return 0;
}

static async Task<int> LoadAsync(Dictionary<string, string> options)
{
    var dialect = Dialect.For(options["dialect"]);
    var endpoints = options.GetValueOrDefault("ports", options.GetValueOrDefault("port", ""))
        .Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(port => new IPEndPoint(IPAddress.Loopback, int.Parse(port, CultureInfo.InvariantCulture)))
        .ToArray();
    var endpoint = endpoints[0];
    var server = options.GetValueOrDefault("server", dialect.Name);
    var clients = int.Parse(options.GetValueOrDefault("clients", "200"), CultureInfo.InvariantCulture);
    var duration = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "5"), CultureInfo.InvariantCulture));
    var hold = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("hold", "0"), CultureInfo.InvariantCulture));
    using var cancel = new CancellationTokenSource(duration + hold + TimeSpan.FromMinutes(2));
    var result = options["scenario"] switch
    {
        "fanout-rate" => await Scenarios.FanoutAtRateAsync(server, dialect, endpoints, clients, double.Parse(options.GetValueOrDefault("rate", "250"), CultureInfo.InvariantCulture), duration, cancel.Token),
        "fanout-max" => await Scenarios.FanoutMaxAsync(server, dialect, endpoints, clients, duration, cancel.Token),
        "rooms" => await Scenarios.RoomsAsync(server, dialect, endpoint, clients, 20, duration, cancel.Token),
        "idle" => await Scenarios.IdleAsync(server, dialect, endpoint, clients, int.Parse(options["pid"], CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("warmup", "0"), CultureInfo.InvariantCulture), int.Parse(options.GetValueOrDefault("concurrency", "64"), CultureInfo.InvariantCulture),
            hold, cancel.Token),
        "ack" => await Scenarios.AckAsync(server, dialect, endpoint, clients, cancel.Token),
        "cluster-fanout" => await Scenarios.FanoutAtRateAsync(server, dialect, endpoints, clients, double.Parse(options.GetValueOrDefault("rate", "250"), CultureInfo.InvariantCulture), duration, cancel.Token) with { Scenario = "cluster-fanout" },
        "cluster-fanout-max" => await Scenarios.FanoutMaxAsync(server, dialect, endpoints, clients, duration, cancel.Token) with { Scenario = "cluster-fanout-max" },
        "cluster-fetch" => await Scenarios.FetchAsync(server, dialect, endpoints, clients, int.Parse(options.GetValueOrDefault("count", "1000"), CultureInfo.InvariantCulture), cancel.Token),
        "polling" => await Scenarios.PollingAsync(server, endpoint, clients, double.Parse(options.GetValueOrDefault("rate", "100"), CultureInfo.InvariantCulture), duration, cancel.Token),
        var other => throw new ArgumentException("Unknown scenario " + other),
    };
    Console.WriteLine(result.ToJson());
    return 0;
}

static Dictionary<string, string> ParseOptions(IEnumerable<string> args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    string? key = null;
    foreach (var arg in args)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            key = arg[2..];
        }
        else if (key is not null)
        {
            options[key] = arg;
            key = null;
        }
    }

    return options;
}

static int Usage()
{
    Console.Error.WriteLine("usage: serve <switchboard|signalr|naive|floor> [--port N] [--redis host:port] | load --scenario S --dialect D (--port N | --ports p1,p2,...) [--server label] [--clients N] [--rate R] [--duration S] [--pid P] [--warmup N] [--concurrency N] [--hold S] [--count N]");
    return 2;
}
