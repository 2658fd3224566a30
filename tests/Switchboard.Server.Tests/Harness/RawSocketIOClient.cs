using System.Text.Json;

namespace Switchboard.Server.Tests.Harness;

/// <summary>A raw WebSocket that has joined a namespace, for Socket.IO protocol tests.</summary>
public static class RawSocketIOClient
{
    /// <summary>Opens a WebSocket session, joins <paramref name="nsp"/> and returns the socket with its Socket.IO id.</summary>
    public static async Task<(RawWebSocket Socket, string Id)> ConnectAsync(TestServer server, string nsp = "/", string auth = "")
    {
        var (ws, connect) = await JoinAsync(server, nsp, auth);
        return (ws, connect.GetProperty("sid").GetString()!);
    }

    /// <summary>
    /// Opens a WebSocket session, joins <paramref name="nsp"/> and returns the socket with the CONNECT
    /// packet's payload (<c>sid</c>, and <c>pid</c> when connection state recovery is on).
    /// </summary>
    public static async Task<(RawWebSocket Socket, JsonElement Connect)> JoinAsync(TestServer server, string nsp = "/", string auth = "")
    {
        ArgumentNullException.ThrowIfNull(server);
        var ws = await RawWebSocket.ConnectAsync(server.WebSocketUrl("/socket.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("0{", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
        var prefix = nsp == "/" ? "40" : $"40{nsp},";
        await ws.SendTextAsync(prefix + auth);
        var reply = await ws.ReceiveTextAsync();
        Assert.StartsWith(prefix + "{\"sid\":\"", reply, StringComparison.Ordinal);
        return (ws, JsonDocument.Parse(reply[prefix.Length..]).RootElement.Clone());
    }
}
