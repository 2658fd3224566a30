using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The runnable chat server (src/Switchboard.Chat) as a user starts it, in its own process,
/// with the real socket.io-client: the original article's chat and its log lines.
/// </summary>
public sealed partial class ChatServerTests
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

    /// <summary>The chat server process, started from the test's output folder on a free port.</summary>
    private sealed partial class ChatProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private TaskCompletionSource _lineWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private ChatProcess(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Url { get; private set; } = "";

        public static async Task<ChatProcess> StartAsync()
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "Switchboard.Chat.dll", "--urls", "http://127.0.0.1:0" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["Logging__Console__FormatterName"] = "simple";
            var chat = new ChatProcess(Process.Start(start)!);
            try
            {
                var listening = await chat.WaitForLineAsync("Now listening on: ");
                chat.Url = ListeningUrl().Match(listening).Value;
                return chat;
            }
            catch
            {
                await chat.DisposeAsync();
                throw;
            }
        }

        public async Task<string> WaitForLineAsync(string fragment)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (true)
            {
                Task written;
                lock (_lines)
                {
                    var line = _lines.Find(l => l.Contains(fragment, StringComparison.Ordinal));
                    if (line is not null)
                    {
                        return line;
                    }

                    written = _lineWritten.Task;
                }

                try
                {
                    await written.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    lock (_lines)
                    {
                        throw new TimeoutException($"The chat server never wrote \"{fragment}\". It wrote:\n{string.Join('\n', _lines)}");
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(line);
                var written = _lineWritten;
                _lineWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
                written.TrySetResult();
            }
        }

        [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
        private static partial Regex ListeningUrl();
    }
}
