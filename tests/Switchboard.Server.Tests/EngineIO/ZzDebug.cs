using Xunit.Abstractions;
using Switchboard.Server.Tests.Harness;
namespace Switchboard.Server.Tests.EngineIO;
public sealed class ZzDebug(ITestOutputHelper output)
{
    [Fact]
    public async Task Debug_utf8()
    {
        await using var server = await TestServer.StartAsync();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        await socket.SendTextBytesAsync([(byte)'4', 0xFF, 0xFE, (byte)'x']);
        try { output.WriteLine("closed: " + await socket.WaitClosedAsync(TimeSpan.FromSeconds(3))); }
        catch (Exception e) { output.WriteLine("EX " + e); }
        foreach (var e in server.Logs.Entries) output.WriteLine($"{e.Level} {e.EventId.Id} {e.Category} {e.Message}");
    }
}
