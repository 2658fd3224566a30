using Switchboard.EngineIO;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The real npm socket.io-client 4.8 with compression: permessage-deflate on its WebSocket
/// (<see cref="EngineOptions.PerMessageDeflate"/>; the Node client offers it), and gzip on
/// long-polling answers (<see cref="EngineOptions.HttpCompression"/>) for its fetch() transport,
/// which sends Accept-Encoding and inflates what it gets.
/// </summary>
public sealed class CompressionTests
{
    private static readonly string Large = string.Concat(Enumerable.Repeat("compressible chat text ", 400));

    [Theory]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task With_per_message_deflate_the_client_negotiates_it_and_large_messages_round_trip(string mode)
    {
        await using var server = await InteropServer.StartAsync(o => o.PerMessageDeflate = new());
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options(mode));
        await node.WaitForAsync("c", "connect");
        if (mode == "upgrade")
        {
            await node.WaitForAsync("c", "upgrade");
        }

        await node.EmitAsync("c", "echo", Large, "small");

        var echo = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo");
        Assert.Equal(Large, echo.GetProperty("args")[0].GetString());
        Assert.Equal("small", echo.GetProperty("args")[1].GetString());
        Assert.StartsWith("permessage-deflate", (await node.StateAsync("c")).GetProperty("extensions").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_the_client_negotiates_no_websocket_extension()
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await node.ConnectAsync("c", server.Url(), TransportMode.Options("websocket"));
        await node.WaitForAsync("c", "connect");

        await node.EmitAsync("c", "echo", Large);

        var echo = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo");
        Assert.Equal(Large, echo.GetProperty("args")[0].GetString());
        Assert.Equal("", (await node.StateAsync("c")).GetProperty("extensions").GetString());
    }

    [Fact]
    public async Task Large_polling_answers_reach_the_fetch_client_gzipped_and_small_ones_plain()
    {
        await using var server = await InteropServer.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        var options = TransportMode.Options("polling");
        options["transports"] = new[] { "fetch" };
        await node.ConnectAsync("c", server.Url(), options);
        await node.WaitForAsync("c", "connect");

        await node.EmitAsync("c", "echo", Large);

        var echo = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo");
        Assert.Equal(Large, echo.GetProperty("args")[0].GetString());
        var encodings = (await node.StateAsync("c")).GetProperty("fetchEncodings").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("gzip", encodings);
        Assert.Contains(null, encodings);
    }
}
