using Switchboard.Chat;
using Switchboard.Hosting;
using Switchboard.SocketIO;

// The original article's two chats on one server: Socket.IO clients at /socket.io/ and plain
// WebSocket clients (the Ratchet component) at /ws. Every message goes to every other client.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSocketIO();
builder.Services.AddSingleton<Chat>();

var app = builder.Build();
var logger = app.Logger;

var io = app.MapSocketIO();
io.OnConnection(socket =>
{
    logger.LogInformation("New connection: {Id}", socket.Id);
    socket.On("message", (EventArguments message) => socket.Broadcast.EmitAsync("message", message.ToArray()));
    socket.OnDisconnect(_ => logger.LogInformation("Connection {Id} has disconnected", socket.Id));
});

app.MapWebSocketComponent("/ws", app.Services.GetRequiredService<Chat>());

app.Run();
