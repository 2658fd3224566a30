namespace Switchboard.Chat;

/// <summary>
/// Serves the Socket.IO browser client at <c>/socket.io/socket.io.js</c> (and <c>.min.js</c>), as
/// Node's server does with its <c>serveClient</c> option, so the page needs nothing else.
/// </summary>
public static class ClientBundle
{
    /// <summary>Maps the two script paths under <paramref name="path"/>.</summary>
    public static void Map(IEndpointRouteBuilder endpoints, string path = "/socket.io")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var name in new[] { "socket.io.js", "socket.io.min.js" })
        {
            var file = Path.Combine(AppContext.BaseDirectory, "client", name);
            endpoints.MapGet($"{path}/{name}", () => Results.File(file, "application/javascript; charset=utf-8", enableRangeProcessing: false));
        }
    }
}
