using Switchboard.Chat;
using Switchboard.Hosting;
using Switchboard.SocketIO;

// The chat: a web page and Socket.IO clients at /socket.io/, plain WebSocket clients (the Ratchet
// component) at /ws, sharing the "general" room; each room's history in SQLite.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage.Text);
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.Configure<ChatOptions>(builder.Configuration.GetSection(ChatOptions.Section));
builder.Services.AddSocketIO(o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions());
builder.Services.Configure<SocketIOOptions>(builder.Configuration.GetSection("SocketIO"));
builder.Services.AddSingleton<IChatHistory, SqliteChatHistory>();
builder.Services.AddSingleton<Nicknames>();
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
