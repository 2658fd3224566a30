using Microsoft.AspNetCore.SignalR;

namespace Switchboard.Bench.Servers;

/// <summary>The SignalR peer: the same chat, rooms (groups) and acknowledgement as the Socket.IO servers.</summary>
internal sealed class ChatHub : Hub
{
    public Task Message(string text) => Clients.Others.SendAsync("message", text);

    public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    public Task Room(string room, string text) => Clients.OthersInGroup(room).SendAsync("room", text);

    public string Ack(string text) => text;
}
