using System.Text.Json;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>
/// The servers of one test and the npm socket.io-client clients on them, named by the test. A client asks its server
/// for a cluster operation with <see cref="AskAsync"/> (see <see cref="ClusterApp"/>) and reads what the server
/// sends it with <see cref="NextEventAsync"/>.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly IReadOnlyList<IClusterServer> _servers;

    private Cluster(IReadOnlyList<IClusterServer> servers, NodeClientDriver clients)
    {
        _servers = servers;
        Clients = clients;
    }

    /// <summary>The clients.</summary>
    public NodeClientDriver Clients { get; }

    /// <summary>Server number <paramref name="index"/>.</summary>
    public IClusterServer this[int index] => _servers[index];

    /// <summary>Starts the client driver for <paramref name="servers"/>, which the cluster then owns.</summary>
    public static async Task<Cluster> StartAsync(IReadOnlyList<IClusterServer> servers)
    {
        try
        {
            return new Cluster(servers, await NodeClientDriver.StartAsync());
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Connects client <paramref name="client"/> to namespace <paramref name="nsp"/> of server <paramref name="server"/>
    /// over WebSocket, with an auth payload and query parameters if given, and returns its socket id.
    /// </summary>
    public async Task<string> ConnectAsync(string client, int server, object? auth = null, IReadOnlyDictionary<string, string>? query = null, string nsp = "/")
    {
        var options = new Dictionary<string, object> { ["transports"] = new[] { "websocket" }, ["reconnection"] = false };
        if (auth is not null)
        {
            options["auth"] = auth;
        }

        if (query is not null)
        {
            options["query"] = query;
        }

        await Clients.ConnectAsync(client, new Uri(_servers[server].Url, nsp).ToString(), options);
        var connected = await Clients.WaitForAsync(client, "connect");
        return connected.GetProperty("id").GetString()!;
    }

    /// <summary>Emits <paramref name="ev"/> with an acknowledgement and returns the server's answer (its first argument).</summary>
    public async Task<JsonElement> AskAsync(string client, string ev, params object?[] args)
    {
        var answer = await Clients.EmitWithAckAsync(client, ev, args);
        return answer.GetArrayLength() > 0 ? answer[0] : default;
    }

    /// <summary>The next event the client received, <c>{"event", "args"}</c>, whatever it is.</summary>
    public Task<JsonElement> NextEventAsync(string client) => Clients.WaitForAsync(client, "event");

    /// <summary>Asserts that the client's next events are <paramref name="events"/>, in order, and returns them.</summary>
    public async Task<JsonElement[]> ExpectEventsAsync(string client, params string[] events)
    {
        var received = new JsonElement[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            received[i] = await NextEventAsync(client);
            Assert.Equal(events[i], received[i].GetProperty("event").GetString());
        }

        return received;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Clients.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
