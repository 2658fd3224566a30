using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The runnable chat server (src/Switchboard.Chat) as a user starts it, in its own process,
/// with the real socket.io-client: the original article's chat and its log lines.
/// </summary>
public sealed class ChatServerTests
{
    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_message_reaches_every_other_client_with_the_same_arguments_and_is_logged(string mode)
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        var ids = new Dictionary<string, string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await node.ConnectAsync(name, chat.Url, TransportMode.Options(mode));
            ids[name] = (await node.WaitForAsync(name, "connect")).GetProperty("id").GetString()!;
            await chat.WaitForLineAsync($"New connection: {ids[name]}");
        }

        await node.EmitAsync("a", "message", "hello", 2, NodeClientDriver.Binary([1, 2]));

        foreach (var name in new[] { "b", "c" })
        {
            var message = await node.WaitForAsync(name, "event", e => e.GetProperty("event").GetString() == "message");
            var args = message.GetProperty("args");
            Assert.Equal("hello", args[0].GetString());
            Assert.Equal(2, args[1].GetInt32());
            Assert.Equal(new byte[] { 1, 2 }, NodeClientDriver.ReadBinary(args[2]));
        }

        Assert.True(await node.NoEventAsync("a", "event", TimeSpan.FromMilliseconds(500), e => e.GetProperty("event").GetString() == "message"));

        await node.DisconnectAsync("b");
        await chat.WaitForLineAsync($"Connection {ids["b"]} has disconnected");
    }
}
