using System.Text.Json;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>
/// The base of the specification classes: a channel key of each test's own, a way to start the servers of a test
/// (which subclasses choose) and helpers to read what the <see cref="ClusterApp"/> handlers answer.
/// </summary>
public abstract class ClusterTestBase
{
    /// <summary>The channel key of this test's servers, so that no other test's server joins their cluster.</summary>
    protected string Key { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Starts server number <paramref name="index"/> of this test, with the adapter under test.</summary>
    protected abstract Task<IClusterServer> StartServerAsync(int index);

    /// <summary>Starts <paramref name="count"/> servers, one after the other, and a client driver.</summary>
    protected async Task<Cluster> StartClusterAsync(int count)
    {
        var servers = new List<IClusterServer>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                servers.Add(await StartServerAsync(i));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            throw;
        }

        return await Cluster.StartAsync(servers);
    }

    /// <summary>
    /// Has <paramref name="client"/>'s server send <paramref name="broadcast"/> (a <c>broadcast</c> request), then an
    /// <c>end</c> event to everyone, and asserts that the <paramref name="reached"/> clients get the broadcast and then
    /// <c>end</c>, and the <paramref name="missed"/> ones <c>end</c> first: a server's events arrive in the order it sent them.
    /// </summary>
    protected static async Task AssertBroadcastAsync(Cluster cluster, string client, object broadcast, string[] reached, string[] missed)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(reached);
        ArgumentNullException.ThrowIfNull(missed);
        var eventName = JsonSerializer.SerializeToElement(broadcast).GetProperty("event").GetString()!;
        await cluster.AskAsync(client, "broadcast", broadcast);
        await cluster.AskAsync(client, "broadcast", new { @event = "end" });
        foreach (var recipient in reached)
        {
            await cluster.ExpectEventsAsync(recipient, eventName, "end");
        }

        foreach (var other in missed)
        {
            await cluster.ExpectEventsAsync(other, "end");
        }
    }

    /// <summary>The ids that fetch-sockets (to <paramref name="rooms"/>, or every socket) returns, in order.</summary>
    protected static async Task<string[]> FetchIdsAsync(Cluster cluster, string client, params string[] rooms)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var answer = await cluster.AskAsync(client, "fetch-sockets", new { to = rooms });
        return [.. answer.GetProperty("sockets").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>Asserts a socket fetch-sockets reported: its id, rooms, auth name and <c>team</c> query parameter.</summary>
    protected static void AssertSocket(JsonElement socket, string id, string[] rooms, string authName, string team)
    {
        Assert.Equal(id, socket.GetProperty("id").GetString());
        Assert.Equal(rooms.Order(StringComparer.Ordinal), Strings(socket.GetProperty("rooms")));
        var handshake = socket.GetProperty("handshake");
        Assert.Equal(authName, handshake.GetProperty("auth").GetProperty("name").GetString());
        Assert.Equal(team, handshake.GetProperty("query").GetProperty("team").GetString());
        Assert.StartsWith("/socket.io/", handshake.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The strings of a JSON array.</summary>
    protected static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
