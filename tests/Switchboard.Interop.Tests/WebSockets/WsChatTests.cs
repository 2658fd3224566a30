using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests.WebSockets;

/// <summary>
/// The runnable chat server (src/Switchboard.Chat) in its own process, with three npm <c>ws</c>
/// clients at <c>/ws</c>: the Ratchet tutorial's chat and its log lines; each client talks in the
/// chat's <c>general</c> room as <c>ws-{id}</c>.
/// </summary>
public sealed class WsChatTests
{
    [Fact]
    public async Task A_message_from_one_ws_client_reaches_the_two_others_and_is_logged()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var ws = await WsClientDriver.StartAsync();

        // A fresh process: the component's connections are numbered from 1.
        var names = new[] { "a", "b", "c" };
        for (var i = 0; i < names.Length; i++)
        {
            await ws.OpenAsync(names[i], chat.WebSocketUrl("/ws"));
            await chat.WaitForLineAsync($"New connection! ({i + 1})");
        }

        await ws.SendAsync("a", "hi");

        Assert.Equal("ws-1: hi", await ws.ReceiveTextAsync("b"));
        Assert.Equal("ws-1: hi", await ws.ReceiveTextAsync("c"));
        await chat.WaitForLineAsync("Connection 1 sending message \"hi\" to 2 other connections");
        Assert.True(await ws.NoEventAsync("a", "message", TimeSpan.FromMilliseconds(300)));

        await ws.CloseAsync("b");
        await ws.ClosedAsync("b");
        await chat.WaitForLineAsync("Connection 2 has disconnected");

        await ws.SendAsync("c", "bye");
        Assert.Equal("ws-3: bye", await ws.ReceiveTextAsync("a"));
        await chat.WaitForLineAsync("Connection 3 sending message \"bye\" to 1 other connection");
    }
}
