using System.Net;
using System.Text.Json;

namespace Switchboard.Server.Tests.Harness;

/// <summary>Engine.IO helpers on a <see cref="TestServer"/>: its echo server lives at <c>/engine.io/</c>.</summary>
public static class EngineHarness
{
    /// <summary>The echo server's path.</summary>
    public const string Path = "/engine.io/";

    /// <summary>The WebSocket address of the echo server with the given query.</summary>
    public static Uri EngineWebSocketUrl(this TestServer server, string query = "EIO=4&transport=websocket")
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.WebSocketUrl(Path + "?" + query);
    }

    /// <summary>A polling client for the echo server.</summary>
    public static Polling Polling(this TestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new Polling(server.Url, Path);
    }

    /// <summary>Opens a session over WebSocket; returns the socket with the open packet read.</summary>
    public static async Task<(RawWebSocket Socket, string Sid, JsonElement Handshake)> OpenWebSocketSessionAsync(this TestServer server)
    {
        var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl());
        var open = await socket.ReceiveTextAsync();
        Assert.StartsWith("0", open, StringComparison.Ordinal);
        var handshake = JsonDocument.Parse(open[1..]).RootElement.Clone();
        return (socket, handshake.GetProperty("sid").GetString()!, handshake);
    }

    /// <summary>
    /// Upgrades a polling session to WebSocket (<c>2probe</c>, <c>3probe</c>, <c>5</c>) and returns
    /// the socket once the server has switched the session over.
    /// </summary>
    public static async Task<RawWebSocket> UpgradeAsync(this TestServer server, string sid)
    {
        ArgumentNullException.ThrowIfNull(server);
        var socket = await RawWebSocket.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}"));
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());
        await socket.SendTextAsync("5");
        await server.WaitForLogAsync(EngineEvents.Upgraded, sid);
        return socket;
    }

    /// <summary>
    /// Sends a poll and returns it (still running) once the server has taken it as the session's
    /// pending GET, so a test can act on "a GET is pending" without guessing with a sleep.
    /// </summary>
    public static Task<Task<(HttpStatusCode Status, string Body)>> StartPollAsync(this TestServer server, Polling polling, string sid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(polling);
        return server.StartAcceptedAsync(sid, "GET", () => polling.PollAsync(sid, cancellationToken));
    }

    /// <summary>Starts a polling request and returns it (still running) once the server has accepted it.</summary>
    public static async Task<Task<T>> StartAcceptedAsync<T>(this TestServer server, string sid, string method, Func<Task<T>> request)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        bool Match(LogEntry e) => e.EventId.Id == EngineEvents.PollAccepted && e.Message.Contains(sid, StringComparison.Ordinal) && e.Message.Contains(method, StringComparison.Ordinal);
        var before = server.Logs.Entries.Count(Match);
        var task = request();
        var accepted = server.Logs.WaitForAsync(e => Match(e) && server.Logs.Entries.Count(Match) > before, TaskTimeouts.Default);
        if (await Task.WhenAny(accepted, task).WithTimeout() == task && !accepted.IsCompleted)
        {
            // Answered before it was ever pending: let the test see the unexpected answer.
            await task;
            Assert.Fail($"The {method} was answered without being accepted as pending.");
        }

        await accepted;
        return task;
    }

    /// <summary>Waits for a log line with the event id whose message contains <paramref name="text"/>.</summary>
    public static Task<LogEntry> WaitForLogAsync(this TestServer server, int eventId, string text)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Logs.WaitForAsync(e => e.EventId.Id == eventId && e.Message.Contains(text, StringComparison.Ordinal), TaskTimeouts.Default);
    }

    /// <summary>Waits until the session is closed (a GET answered 400 "Session ID unknown"), answering nothing.</summary>
    public static async Task WaitForSessionGoneAsync(this TestServer server, string sid)
    {
        await server.WaitForLogAsync(EngineEvents.SessionClosed, sid);
        Assert.Null(server.Engine.GetSession(sid));
    }
}
