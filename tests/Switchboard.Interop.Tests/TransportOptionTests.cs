using Switchboard.EngineIO;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The real npm socket.io-client 4.8 against a server limited by <see cref="EngineOptions.Transports"/>:
/// it connects in each mode the server allows, and fails in the others with the error a Node
/// server's 400 (code 0, Transport unknown) gives it.
/// </summary>
public sealed class TransportOptionTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData("polling", "polling")]
    [InlineData("polling", "upgrade")]
    [InlineData("websocket", "websocket")]
    public async Task A_client_in_a_mode_the_server_allows_connects_and_stays_on_the_allowed_transport(string allowed, string mode)
    {
        await using var server = await InteropServer.StartAsync(o => o.Transports = Transports(allowed));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        var id = (await node.WaitForAsync("c", "connect")).GetProperty("id").GetString()!;
        await node.EmitAsync("c", "echo", "over " + allowed);

        var echo = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo");
        Assert.Equal("over " + allowed, echo.GetProperty("args")[0].GetString());
        Assert.True(await node.NoEventAsync("c", "upgrade", Quiet));
        Assert.Equal(allowed, (await node.StateAsync("c")).GetProperty("transport").GetString());
        Assert.Equal(allowed, server.Socket(id).Connection.Transport);
    }

    [Theory]
    [InlineData("polling", "websocket", "websocket error", "Unexpected server response: 400")]
    [InlineData("websocket", "polling", "xhr poll error", "400")]
    [InlineData("websocket", "upgrade", "xhr poll error", "400")]
    public async Task A_client_in_a_mode_the_server_refuses_gets_connect_error_from_the_400(string allowed, string mode, string message, string description)
    {
        await using var server = await InteropServer.StartAsync(o => o.Transports = Transports(allowed));
        await using var node = await NodeClientDriver.StartAsync();

        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));

        var error = await node.WaitForAsync("c", "connect_error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(description, error.GetProperty("description").ToString());
        Assert.True(await node.NoEventAsync("c", "connect", Quiet));
        Assert.Equal(0, server.Server.Io.Engine.ClientsCount);
        await server.Server.Logs.WaitForAsync(e => e.Message.Contains("code 0 (Transport unknown)", StringComparison.Ordinal));
    }

    private static EngineTransports Transports(string allowed) =>
        allowed == "polling" ? EngineTransports.Polling : EngineTransports.WebSocket;
}
