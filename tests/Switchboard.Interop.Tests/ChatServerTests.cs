using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The runnable chat server (src/Switchboard.Chat) as a user starts it, in its own process,
/// with the real socket.io-client: the original article's chat and its log lines.
/// </summary>
public sealed class ChatServerTests
{
    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task The_article_client_sends_text_that_reaches_every_other_client_in_general_with_its_sender(string mode)
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        var ids = new Dictionary<string, string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            // As the article's client: io(url), no auth.
            await node.ConnectAsync(name, chat.Url, TransportMode.Options(mode));
            ids[name] = (await node.WaitForAsync(name, "connect")).GetProperty("id").GetString()!;
            await chat.WaitForLineAsync($"New connection: {ids[name]}");
        }

        var sender = (await node.WaitForAsync("a", "event", e => e.GetProperty("event").GetString() == "welcome"))
            .GetProperty("args")[0].GetProperty("nick").GetString();
        Assert.StartsWith("guest-", sender, StringComparison.Ordinal);

        await node.EmitAsync("a", "message", "hello");

        foreach (var name in new[] { "b", "c" })
        {
            var message = await node.WaitForAsync(name, "event", e => e.GetProperty("event").GetString() == "message");
            var payload = message.GetProperty("args")[0];
            Assert.Equal("hello", payload.GetProperty("text").GetString());
            Assert.Equal(sender, payload.GetProperty("from").GetString());
            Assert.Equal("general", payload.GetProperty("room").GetString());
        }

        Assert.True(await node.NoEventAsync("a", "event", TimeSpan.FromMilliseconds(500), e => e.GetProperty("event").GetString() == "message"));

        await node.DisconnectAsync("b");
        await chat.WaitForLineAsync($"Connection {ids["b"]} has disconnected");
    }

    [Fact]
    public async Task Help_describes_the_options_and_exits()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true };
        start.ArgumentList.Add("Switchboard.Chat.dll");
        start.ArgumentList.Add("--help");
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("--urls", output, StringComparison.Ordinal);
        Assert.Contains("Chat:HistoryPath", output, StringComparison.Ordinal);
        Assert.Contains("--redis", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_endpoint_answers_healthy()
    {
        await using var chat = await ChatProcess.StartAsync();
        using var http = new HttpClient();

        Assert.Equal("Healthy", await http.GetStringAsync(new Uri(chat.Url + "/health")));
    }
}
