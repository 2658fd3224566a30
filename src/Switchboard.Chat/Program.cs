using StackExchange.Redis;
using Switchboard.Chat;
using Switchboard.Hosting;
using Switchboard.SocketIO;

// The chat: a web page and Socket.IO clients at /socket.io/, plain WebSocket clients (the Ratchet
// component) at /ws, sharing the "general" room; each room's history in SQLite. With --redis, one node of a
// cluster: broadcasts, presence, history and nicknames shared through Redis.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage.Text);
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--redis"] = $"{ChatOptions.Section}:{nameof(ChatOptions.Redis)}" });

// WebSockets leave their upgrade request once accepted: what ASP.NET Core holds for a request is freed.
builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(listen => listen.UseWebSocketHandoff()));
builder.Services.Configure<ChatOptions>(builder.Configuration.GetSection(ChatOptions.Section));
var socketIO = builder.Services.AddSocketIO(o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions());
builder.Services.Configure<SocketIOOptions>(builder.Configuration.GetSection("SocketIO"));
var redis = builder.Configuration[$"{ChatOptions.Section}:{nameof(ChatOptions.Redis)}"];
if (string.IsNullOrWhiteSpace(redis))
{
    builder.Services.AddSingleton<IChatHistory, SqliteChatHistory>();
    builder.Services.AddSingleton<INicknames, InMemoryNicknames>();
}
else
{
    // The adapter's default key, so Node socket.io servers with @socket.io/redis-adapter on this Redis join in; the
    // history and the nicknames on a connection of their own, which reconnects by itself as the adapter's does.
    socketIO.AddRedisAdapter(redis);
    var configuration = ConfigurationOptions.Parse(redis);
    configuration.AbortOnConnectFail = false;
    builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
    builder.Services.AddSingleton<IChatHistory, RedisChatHistory>();
    builder.Services.AddSingleton<INicknames, RedisNicknames>();
}

builder.Services.AddSingleton<ChatServer>();
builder.Services.AddSingleton<Chat>();
builder.Services.AddHealthChecks();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapHealthChecks("/health");
ClientBundle.Map(app);
app.MapSocketIO();
app.MapWebSocketComponent("/ws", app.Services.GetRequiredService<Chat>());

var chat = app.Services.GetRequiredService<ChatServer>();
chat.Start();
// Registered after MapSocketIO, so it runs before the connections close (stopping callbacks run last-first).
app.Lifetime.ApplicationStopping.Register(() => chat.AnnounceShutdownAsync().GetAwaiter().GetResult());

app.Run();
