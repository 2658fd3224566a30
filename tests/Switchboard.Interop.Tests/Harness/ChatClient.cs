using System.Text.Json;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>The chat as an npm socket.io-client of <see cref="NodeClientDriver"/> sees it: entering, and the events it gets.</summary>
internal static class ChatClient
{
    /// <summary>
    /// Connects <paramref name="client"/> to the chat at <paramref name="url"/> with Node's <paramref name="options"/>
    /// (<c>auth.nick</c> for a nickname) and returns the argument of its <c>welcome</c>: <c>{ nick, joined }</c>.
    /// </summary>
    public static async Task<JsonElement> EnterAsync(NodeClientDriver node, string client, string url, object options)
    {
        await node.ConnectAsync(client, url, options);
        var welcome = await node.WaitForAsync(client, "event", e => IsEvent(e, "welcome"));
        return welcome.GetProperty("args")[0];
    }

    /// <summary>True if <paramref name="e"/> is the server event <paramref name="name"/>.</summary>
    public static bool IsEvent(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    /// <summary>True if <paramref name="e"/> is a chat message from <paramref name="from"/> with <paramref name="text"/>.</summary>
    public static bool IsMessage(JsonElement e, string from, string text) =>
        IsEvent(e, "message")
        && e.GetProperty("args")[0].GetProperty("from").GetString() == from
        && e.GetProperty("args")[0].GetProperty("text").GetString() == text;
}
