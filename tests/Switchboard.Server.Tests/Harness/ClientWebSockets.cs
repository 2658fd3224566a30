using System.Net.WebSockets;
using System.Text;

namespace Switchboard.Server.Tests.Harness;

/// <summary>One thing a <see cref="ClientWebSocket"/> received: a whole message, or the server's close.</summary>
public sealed record Received(WebSocketMessageType Type, byte[] Data, WebSocketCloseStatus? CloseStatus = null, string? CloseDescription = null)
{
    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>.NET's own WebSocket client against a component server, every call with a timeout.</summary>
public static class ClientWebSockets
{
    /// <summary>Opens a <see cref="ClientWebSocket"/> to a path on the server; <paramref name="configure"/> sets headers, sub-protocols, cookies.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(this ComponentServer server, string pathAndQuery, Action<ClientWebSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        return await ConnectAsync(server.WebSocketUrl(pathAndQuery), configure);
    }

    /// <summary>Opens a <see cref="ClientWebSocket"/> to <paramref name="url"/>.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri url, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        try
        {
            await socket.ConnectAsync(url, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a text message, or one fragment of it.</summary>
    public static async Task SendTextAsync(this ClientWebSocket socket, string text, bool endOfMessage = true)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage, timeout.Token);
    }

    /// <summary>Sends a binary message, or one fragment of it.</summary>
    public static async Task SendBinaryAsync(this ClientWebSocket socket, byte[] data, bool endOfMessage = true)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage, timeout.Token);
    }

    /// <summary>Receives the next whole message, or the server's close frame.</summary>
    public static async Task<Received> ReceiveMessageAsync(this ClientWebSocket socket, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var cts = new CancellationTokenSource(timeout ?? TaskTimeouts.Default);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new Received(WebSocketMessageType.Close, [], result.CloseStatus, result.CloseStatusDescription);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return new Received(result.MessageType, message.ToArray());
            }
        }
    }

    /// <summary>Receives the next message and checks that it is text.</summary>
    public static async Task<string> ReceiveTextAsync(this ClientWebSocket socket, TimeSpan? timeout = null)
    {
        var received = await socket.ReceiveMessageAsync(timeout);
        Assert.True(received.Type == WebSocketMessageType.Text, $"Expected a text message, got {received.Type} {received.CloseStatus} {received.CloseDescription}");
        return received.Text;
    }

    /// <summary>Answers the server's close frame, completing the close handshake.</summary>
    public static async Task AnswerCloseAsync(this ClientWebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    /// <summary>Starts the close handshake from the client and waits for the server's answer.</summary>
    public static async Task CloseWithTimeoutAsync(this ClientWebSocket socket, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await socket.CloseAsync(status, reason, timeout.Token);
    }
}
