using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>
/// A real <c>redis-server</c> of the test class's own, on a free loopback port, with nothing saved to disk. It can be
/// stopped (killed, as a crash would) and started again on the same port, and it is stopped when the class is done.
/// A Redis of its own per class keeps test classes that run at once, and restarts, from meeting.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>The port Redis listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>The URL node-redis takes.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        // Another process may take the free port before Redis binds it; then Redis exits and a new port is tried.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.Free();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Starts Redis on <see cref="Port"/>, unless it is running, and returns once it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null for redis-server.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start redis-server (apt-get install redis-server): {e.Message}", e);
        }

        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"redis-server on port {Port} exited before it was ready:\n{Output}"));
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line.Data);
            }

            if (line.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (_output)
            {
                _output.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    /// <summary>Kills Redis, as a crash would, and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is not { } process)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            using var timeout = new CancellationTokenSource(StartTimeout);
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <inheritdoc/>
    public Task DisposeAsync() => StopAsync();

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }
}
