using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Checks the harness itself, with no Socket.IO server: the Node driver starts, survives bad
/// commands, reports connection failures from the real socket.io-client, and is gone after disposal.
/// </summary>
public sealed class DriverTests
{
    [Fact]
    public async Task A_bad_command_is_answered_with_an_error_event_and_the_driver_keeps_working()
    {
        await using var driver = await NodeClientDriver.StartAsync();

        await driver.SendRawAsync("this is not json");
        var notJson = await driver.WaitForAsync(null, "error");
        Assert.Contains("bad JSON", notJson.GetProperty("message").GetString(), StringComparison.Ordinal);

        await driver.SendRawAsync("""{"op":"fly","client":"c1"}""");
        var unknownOp = await driver.WaitForAsync("c1", "error");
        Assert.Contains("unknown op", unknownOp.GetProperty("message").GetString(), StringComparison.Ordinal);

        var unknownClient = await Assert.ThrowsAsync<InvalidOperationException>(() => driver.StateAsync("nobody"));
        Assert.Contains("unknown client", unknownClient.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => driver.EmitWithAckAsync("nobody", "x", 1));
    }

    [Theory]
    [InlineData("websocket", "websocket error")]
    [InlineData("polling", "xhr poll error")]
    public async Task Connecting_to_a_closed_port_reports_connect_error(string transport, string expectedMessage)
    {
        await using var driver = await NodeClientDriver.StartAsync();
        var port = ClosedPort();

        await driver.ConnectAsync("c1", $"http://127.0.0.1:{port}", new { transports = new[] { transport }, reconnection = false });

        var error = await driver.WaitForAsync("c1", "connect_error");
        Assert.Equal(expectedMessage, error.GetProperty("message").GetString());
        var state = await driver.StateAsync("c1");
        Assert.False(state.GetProperty("connected").GetBoolean());
        Assert.True(await driver.NoEventAsync("c1", "connect", TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_wait_that_times_out_names_what_it_waited_for_and_what_it_saw()
    {
        await using var driver = await NodeClientDriver.StartAsync();
        await driver.SendRawAsync("""{"op":"fly","client":"c1"}""");

        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => driver.WaitForAsync("c1", "connect", timeout: TimeSpan.FromMilliseconds(300)));

        Assert.Contains("'connect' event for client 'c1'", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("unknown op", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_the_driver_ends_the_node_process()
    {
        var driver = await NodeClientDriver.StartAsync();
        var pid = driver.ProcessId;
        await driver.ConnectAsync("c1", $"http://127.0.0.1:{ClosedPort()}", new { transports = new[] { "polling" } });

        await driver.DisposeAsync();

        Assert.False(IsRunning(pid), $"node driver {pid} outlived DisposeAsync");
    }

    [Fact]
    public void Binary_markers_round_trip_through_json()
    {
        byte[] bytes = [0, 1, 2, 255];
        var json = System.Text.Json.JsonSerializer.SerializeToElement(NodeClientDriver.Binary(bytes));

        Assert.Equal("""{"$binary":"AAEC/w=="}""", json.GetRawText());
        Assert.Equal(bytes, NodeClientDriver.ReadBinary(json));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
