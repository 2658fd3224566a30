using System.Text.Json;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>The three ways the official client can reach a server.</summary>
public static class TransportMode
{
    /// <summary>WebSocket only, polling only, and polling upgraded to WebSocket.</summary>
    public static TheoryData<string> All => new() { "websocket", "polling", "upgrade" };

    /// <summary>The socket.io-client options for a mode.</summary>
    public static Dictionary<string, object?> Options(string mode, object? auth = null, bool reconnection = false)
    {
        var options = new Dictionary<string, object?>
        {
            ["transports"] = mode switch
            {
                "websocket" => new[] { "websocket" },
                "polling" => new[] { "polling" },
                _ => new[] { "polling", "websocket" },
            },
            ["reconnection"] = reconnection,
            ["reconnectionDelay"] = 100,
            ["reconnectionDelayMax"] = 300,
        };
        if (auth is not null)
        {
            options["auth"] = auth;
        }

        return options;
    }

    /// <summary>In <c>upgrade</c> mode, waits until the client has upgraded to WebSocket; in the others, returns at once.</summary>
    public static async Task WaitForUpgradeIfExpectedAsync(this NodeClientDriver node, string client, string mode)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (mode == "upgrade")
        {
            var upgrade = await node.WaitForAsync(client, "upgrade");
            Assert.Equal("websocket", upgrade.GetProperty("transport").GetString());
        }
    }

    /// <summary>
    /// Creates <paramref name="client"/> in <paramref name="mode"/>, waits for its <c>connect</c> event and,
    /// in <c>upgrade</c> mode, for the upgrade; returns the connect event (<c>id</c>, <c>transport</c>, <c>recovered</c>).
    /// </summary>
    public static async Task<JsonElement> ConnectInModeAsync(
        this NodeClientDriver node, string client, string url, string mode, object? auth = null, bool reconnection = false)
    {
        ArgumentNullException.ThrowIfNull(node);
        await node.ConnectAsync(client, url, Options(mode, auth, reconnection));
        var connected = await node.WaitForAsync(client, "connect");
        await node.WaitForUpgradeIfExpectedAsync(client, mode);
        return connected;
    }
}
