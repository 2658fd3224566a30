using System.Text.Json;
using Switchboard.Hosting;
using Switchboard.SocketIO;
using Switchboard.WebSockets;

namespace Switchboard.Bench.Servers;

/// <summary>Switchboard under test: Socket.IO with the benchmark's handlers, and the plain WebSocket chat at /ws.</summary>
internal static class SwitchboardServers
{
    /// <summary>Maps both and returns the Socket.IO server.</summary>
    public static SocketIOServer Map(WebApplication app)
    {
        var io = app.MapSocketIO();
        io.OnConnection(socket =>
        {
            socket.On("message", (EventArguments args) => socket.Broadcast.EmitAsync("message", args.ToArray()));
            socket.On("join", (string room) => socket.Join(room));
            socket.On("room", (string room, JsonElement payload) => socket.To(room).EmitAsync("room", payload));
            socket.On("ack", (JsonElement payload) => payload);
            // (g) fetchSockets round trip: every socket of the cluster, answered with their count.
            socket.On("fetch", async () => (await io.FetchSocketsAsync()).Count);
        });
        app.MapWebSocketComponent("/ws", new BroadcastComponent(), o => o.MaxSendQueueLength = 65536);
        return io;
    }

    /// <summary>Every message to every other client, as the Ratchet chat.</summary>
    private sealed class BroadcastComponent : IMessageComponent
    {
        private readonly ConnectionSet _clients = new();

        public Task OnOpenAsync(IConnection connection)
        {
            _clients.Add(connection);
            return Task.CompletedTask;
        }

        public Task OnMessageAsync(IConnection from, WebSocketMessage message)
        {
            _clients.Broadcast(message, except: from);
            return Task.CompletedTask;
        }

        public Task OnCloseAsync(IConnection connection)
        {
            _clients.Remove(connection);
            return Task.CompletedTask;
        }

        public Task OnErrorAsync(IConnection connection, Exception exception) => connection.CloseAsync();
    }
}
