using Switchboard.EngineIO;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// <see cref="EngineOptions.Cookie"/> with the real npm socket.io-client 4.8, which keeps cookies
/// in Node when <c>withCredentials</c> is set and sends them on its later requests.
/// </summary>
public sealed class CookieTests
{
    [Fact]
    public async Task The_client_keeps_the_sid_cookie_of_the_handshake_and_upgrades_with_it()
    {
        await using var server = await InteropServer.StartAsync(o => o.Cookie = new());
        await using var node = await NodeClientDriver.StartAsync();
        var options = TransportMode.Options("upgrade");
        options["withCredentials"] = true;

        await node.ConnectAsync("c", server.Url(), options);
        var id = (await node.WaitForAsync("c", "connect")).GetProperty("id").GetString()!;
        await node.WaitForAsync("c", "upgrade");

        // The client reports the upgrade once it has sent the upgrade packet; a message sent after it
        // is answered once the server has read that packet and switched.
        await node.EmitAsync("c", "echo", "after the upgrade");
        await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo");

        var state = await node.StateAsync("c");
        var sid = server.Socket(id).Connection.Id;
        Assert.Equal(sid, state.GetProperty("engineId").GetString());
        Assert.Equal(sid, state.GetProperty("cookies").GetProperty("io").GetString());
        Assert.Equal("websocket", server.Socket(id).Connection.Transport);
    }
}
