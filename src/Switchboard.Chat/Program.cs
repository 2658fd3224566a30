using Switchboard.Hosting;
using Switchboard.SocketIO;

// The original article's chat: every message a client sends goes to every other client.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSocketIO();

var app = builder.Build();
var logger = app.Logger;

var io = app.MapSocketIO();
io.OnConnection(socket =>
{
    logger.LogInformation("New connection: {Id}", socket.Id);
    socket.On("message", (EventArguments message) => socket.Broadcast.EmitAsync("message", message.ToArray()));
    socket.OnDisconnect(_ => logger.LogInformation("Connection {Id} has disconnected", socket.Id));
});

app.Run();
