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
}
