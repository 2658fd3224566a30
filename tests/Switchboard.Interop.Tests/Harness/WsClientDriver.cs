using System.Text.Json;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Drives real npm <c>ws</c> clients (the WebSocket client Node developers use) from a test, through
/// <c>node tests/interop/ws-driver.mjs</c>. Each named client is one <c>new WebSocket(url)</c>;
/// what happens to it comes back as events: <c>open</c>, <c>message</c>, <c>ping</c>, <c>pong</c>,
/// <c>close</c> (with <c>code</c> and <c>reason</c>) and <c>socket-error</c>. Every wait has a timeout.
/// </summary>
public sealed class WsClientDriver : IAsyncDisposable
{
    private readonly NodeClientDriver _driver;

    private WsClientDriver(NodeClientDriver driver) => _driver = driver;

    /// <summary>Starts the driver (installing the npm packages first if they are missing).</summary>
    public static async Task<WsClientDriver> StartAsync() => new(await NodeClientDriver.StartAsync("ws-driver.mjs", "ws").ConfigureAwait(false));

    /// <summary>
    /// Same as Node's <c>new WebSocket(url, protocols, options)</c>; returns without waiting for the
    /// handshake. <c>options.origin</c> sets the Origin header; <c>report = "sequence"</c> reports binary
    /// messages by their first four bytes (big-endian) and length instead of their data.
    /// </summary>
    public Task ConnectAsync(string client, Uri url, string[]? protocols = null, object? options = null) =>
        _driver.CommandAsync(client, "connect", "done", new() { ["url"] = url?.ToString(), ["protocols"] = protocols, ["options"] = options });

    /// <summary>Connects and waits for the <c>open</c> event; returns the agreed sub-protocol ("" for none).</summary>
    public async Task<string> OpenAsync(string client, Uri url, string[]? protocols = null, object? options = null)
    {
        await ConnectAsync(client, url, protocols, options).ConfigureAwait(false);
        var open = await WaitForAsync(client, "open").ConfigureAwait(false);
        return open.GetProperty("protocol").GetString()!;
    }

    /// <summary>Same as <c>ws.send(text, { fin })</c>; returns once ws has written the frame.</summary>
    public Task SendAsync(string client, string text, bool fin = true) =>
        _driver.CommandAsync(client, "send", "done", new() { ["data"] = text, ["fin"] = fin });

    /// <summary>Same as <c>ws.send(buffer, { fin })</c>; returns once ws has written the frame.</summary>
    public Task SendAsync(string client, byte[] data, bool fin = true) =>
        _driver.CommandAsync(client, "send", "done", new() { ["data"] = NodeClientDriver.Binary(data), ["fin"] = fin });

    /// <summary>Same as <c>ws.close(code, reason)</c>: starts the close handshake.</summary>
    public Task CloseAsync(string client, int? code = null, string? reason = null) =>
        _driver.CommandAsync(client, "close", "done", new() { ["code"] = code, ["reason"] = reason });

    /// <summary>Same as <c>ws.ping()</c>; the server's answer arrives as a <c>pong</c> event.</summary>
    public Task PingAsync(string client) => _driver.CommandAsync(client, "ping", "done", []);

    /// <summary><c>ws._socket.pause()</c>: the client stops reading, so it answers neither pings nor anything else.</summary>
    public Task PauseAsync(string client) => _driver.CommandAsync(client, "pause", "done", []);

    /// <summary><c>ws._socket.resume()</c>: the client reads again.</summary>
    public Task ResumeAsync(string client) => _driver.CommandAsync(client, "resume", "done", []);

    /// <summary>Same as <c>ws.terminate()</c>: drops the TCP connection without a close frame.</summary>
    public Task TerminateAsync(string client) => _driver.CommandAsync(client, "terminate", "done", []);

    /// <summary>Waits for (and consumes) the next <paramref name="type"/> event of <paramref name="client"/> that matches.</summary>
    public Task<JsonElement> WaitForAsync(string client, string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null) =>
        _driver.WaitForAsync(client, type, match, timeout);

    /// <summary>True if no such event is waiting or arrives within <paramref name="within"/>.</summary>
    public Task<bool> NoEventAsync(string client, string type, TimeSpan within) => _driver.NoEventAsync(client, type, within);

    /// <summary>Waits for the next message and checks that it is text.</summary>
    public async Task<string> ReceiveTextAsync(string client)
    {
        var message = await WaitForAsync(client, "message").ConfigureAwait(false);
        Assert.False(message.GetProperty("isBinary").GetBoolean(), $"Expected text, got {message.GetRawText()}");
        return message.GetProperty("data").GetString()!;
    }

    /// <summary>Waits for the next message and checks that it is binary.</summary>
    public async Task<byte[]> ReceiveBinaryAsync(string client)
    {
        var message = await WaitForAsync(client, "message").ConfigureAwait(false);
        Assert.True(message.GetProperty("isBinary").GetBoolean(), $"Expected binary, got {message.GetRawText()}");
        return NodeClientDriver.ReadBinary(message.GetProperty("data"));
    }

    /// <summary>Waits for the <c>close</c> event; returns ws's code and reason.</summary>
    public async Task<(int Code, string Reason)> ClosedAsync(string client, TimeSpan? timeout = null)
    {
        var close = await WaitForAsync(client, "close", timeout: timeout).ConfigureAwait(false);
        return (close.GetProperty("code").GetInt32(), close.GetProperty("reason").GetString()!);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _driver.DisposeAsync();
}
