using System.Net.Sockets;
using Switchboard.Interop.Tests.Harness;
using static Switchboard.Interop.Tests.Harness.ChatClient;

namespace Switchboard.Interop.Tests.Chat;

/// <summary>
/// The deployment recipe, <c>deploy/run-cluster.sh</c>, run for real: Redis, three chat servers of this build and
/// nginx (Debian's package) in front of them with sticky sessions, on loopback, with the npm socket.io-client coming
/// from different loopback addresses (Linux accepts any source in 127.0.0.0/8).
/// </summary>
public sealed class ClusterRecipeTests
{
    private const int Nodes = 3;

    [Fact]
    public async Task Polling_clients_stay_on_their_servers_and_chat_across_them_with_websocket_clients_through_nginx()
    {
        await using var cluster = await ClusterScript.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();

        // One long-polling client per source address until every server has one: nginx hashes the whole address, so
        // where each lands is known only once it is there. Without sticky sessions the first poll after the handshake
        // would mostly reach another server, which answers 400 "Session ID unknown", and the client would disconnect.
        var pollingOn = new Dictionary<string, string>(StringComparer.Ordinal);
        var engineIds = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var host = 2; pollingOn.Count < Nodes; host++)
        {
            Assert.True(host < 100, $"{host - 2} clients from different addresses all landed on {string.Join(", ", pollingOn.Keys)}");
            var client = $"p{host}";
            var id = await ConnectAsync(node, cluster, client, $"127.0.0.{host}", ["polling"]);
            pollingOn.TryAdd(await cluster.NodeOfAsync(id), client);
            engineIds[client] = (await node.StateAsync(client)).GetProperty("engineId").GetString()!;
        }

        await ConnectAsync(node, cluster, "ws", "127.0.1.1", ["websocket"]);
        await ConnectAsync(node, cluster, "upgraded", "127.0.1.2", ["polling", "websocket"]);
        await node.WaitForAsync("upgraded", "upgrade");
        var speakers = pollingOn.Values.Append("ws").Append("upgraded").ToList();

        foreach (var sender in speakers)
        {
            var text = $"hello from {sender}";
            await node.EmitWithAckAsync(sender, "message", new { room = "general", text });
            foreach (var receiver in speakers.Where(c => c != sender))
            {
                await node.WaitForAsync(receiver, "event", e => IsMessage(e, sender, text));
            }
        }

        foreach (var (client, engineId) in engineIds)
        {
            var state = await node.StateAsync(client);
            Assert.True(state.GetProperty("connected").GetBoolean(), $"{client} was disconnected");
            Assert.Equal("polling", state.GetProperty("transport").GetString());
            Assert.Equal(engineId, state.GetProperty("engineId").GetString());
        }

        Assert.DoesNotContain("Session ID unknown", cluster.Output, StringComparison.Ordinal);

        Assert.Equal(143, await cluster.StopAsync());
        foreach (var port in cluster.Ports)
        {
            Assert.False(await IsListeningAsync(port), $"port {port} is still open after the script stopped");
        }
    }

    /// <summary>Enters the chat through nginx from <paramref name="address"/> and returns the client's Socket.IO id.</summary>
    private static async Task<string> ConnectAsync(NodeClientDriver node, ClusterScript cluster, string client, string address, string[] transports)
    {
        await EnterAsync(node, client, cluster.Url, new { transports, localAddress = address, reconnection = false, auth = new { nick = client } });
        return (await node.StateAsync(client)).GetProperty("id").GetString()!;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }
}
