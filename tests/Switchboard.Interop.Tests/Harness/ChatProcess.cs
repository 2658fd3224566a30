using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>The chat server process, started from the test's output folder on a free port.</summary>
internal sealed partial class ChatProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;

    private ChatProcess(Process process)
    {
        _process = process;
        _output = new ProcessOutput(process, "The chat server");
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41065.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The WebSocket address of a path on the server, e.g. ws://127.0.0.1:41065/ws.</summary>
    public Uri WebSocketUrl(string path) => new("ws" + Url["http".Length..] + path);

    /// <summary>The SQLite history file the server uses: a fresh temporary one unless given.</summary>
    public string HistoryPath { get; private set; } = "";

    private bool _ownsHistory;

    /// <summary>
    /// Starts the server with its history in <paramref name="historyPath"/> (a new temporary file when
    /// null) and extra configuration (<c>Section:Key</c>, value) passed as environment variables.
    /// </summary>
    public static async Task<ChatProcess> StartAsync(string? historyPath = null, params (string Key, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "Switchboard.Chat.dll", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        var ownsHistory = historyPath is null;
        historyPath ??= NewHistoryPath();
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Chat__HistoryPath"] = historyPath;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var chat = new ChatProcess(Process.Start(start)!) { HistoryPath = historyPath, _ownsHistory = ownsHistory };
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

    /// <summary>The first line of the server's log containing <paramref name="fragment"/>, waiting up to 15 s for it.</summary>
    public Task<string> WaitForLineAsync(string fragment) => _output.WaitForLineAsync(fragment);

    /// <summary>Stops the server as a service manager does (SIGTERM), so it shuts down gracefully.</summary>
    public async Task StopAsync()
    {
        await Signal.TerminateAsync(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A fresh temporary history file name; whoever asks for one deletes it with <see cref="DeleteHistory"/>.</summary>
    public static string NewHistoryPath() => Path.Combine(Path.GetTempPath(), $"switchboard-chat-{Guid.NewGuid():N}.db");

    /// <summary>Deletes a history file and SQLite's companions of it.</summary>
    public static void DeleteHistory(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
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
        if (_ownsHistory)
        {
            DeleteHistory(HistoryPath);
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningUrl();
}
