using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>Which adapter a Node server of a test cluster runs.</summary>
public enum NodeAdapter
{
    /// <summary>@socket.io/redis-adapter 8.x, pub/sub.</summary>
    PubSub,

    /// <summary>@socket.io/redis-streams-adapter 0.3.</summary>
    Streams,
}

/// <summary>
/// A server of a test cluster in a process of its own, with the same handlers as the Switchboard servers in the test's
/// process: the reference peer, a Node socket.io 4.8 server (tests/redis-interop/server.mjs, its npm packages installed
/// from the folder's lock file on first use), or a Switchboard server with the Redis Streams adapter
/// (Switchboard.Redis.TestHost), which a test can kill as a crash would.
/// </summary>
public sealed class ProcessClusterServer : IClusterServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);
    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private ProcessClusterServer(string name, Process process, StringBuilder stderr, int port)
    {
        Name = name;
        _process = process;
        _stderr = stderr;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public Uri Url { get; }

    /// <summary>What the server wrote to its standard error.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a Node server with <paramref name="adapter"/> on <paramref name="redis"/>, named after <paramref name="key"/>
    /// (the pub/sub adapter's key; the Streams adapter's stream, channel prefix and session key prefix), and returns once
    /// its adapter listens; <paramref name="specificResponseChannel"/> sets the pub/sub adapter's
    /// <c>publishOnSpecificResponseChannel</c>, <paramref name="recovery"/> turns connection state recovery on.
    /// </summary>
    public static async Task<ProcessClusterServer> StartNodeAsync(
        string name, RedisServer redis, string key, NodeAdapter adapter = NodeAdapter.PubSub, bool specificResponseChannel = false, bool recovery = false)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var folder = RepositoryFolder.Find("tests/redis-interop", "package.json");
        await NpmInstall.EnsureAsync(folder);
        return await StartAsync(name, NodeProcess.Start(folder, "server.mjs", new Dictionary<string, string>
        {
            ["REDIS_URL"] = redis.Url,
            ["REDIS_KEY"] = key,
            ["SERVER_NAME"] = name,
            ["ADAPTER"] = adapter == NodeAdapter.Streams ? "streams" : "pubsub",
            ["SPECIFIC_RESPONSE_CHANNEL"] = specificResponseChannel ? "1" : "0",
            ["RECOVERY"] = recovery ? "1" : "0",
        }));
    }

    /// <summary>
    /// Starts a Switchboard server with the Redis Streams adapter on <paramref name="redis"/>, named after
    /// <paramref name="key"/> as <see cref="SwitchboardClusterServer.RedisStreamsAdapterOn"/> names it, with connection
    /// state recovery on, and returns once its adapter listens.
    /// </summary>
    public static async Task<ProcessClusterServer> StartSwitchboardAsync(string name, RedisServer redis, string key)
    {
        ArgumentNullException.ThrowIfNull(redis);

        // Built with the tests (a project reference), into its own bin folder beside theirs: .../bin/{configuration}/{tfm}/.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var host = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.FullName, "Switchboard.Redis.TestHost", "bin", output.Parent.Name, output.Name, "Switchboard.Redis.TestHost.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(host);
        start.Environment["REDIS_CONFIGURATION"] = redis.Configuration;
        start.Environment["REDIS_KEY"] = key;
        start.Environment["SERVER_NAME"] = name;
        return await StartAsync(name, Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}."));
    }

    /// <summary>Kills the server at once (SIGKILL): no socket is closed, no session persisted, nothing said to Redis.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(ExitGrace);
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Closes the server's stdin, which makes it exit; kills it if it has not after a few seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(ExitGrace);
                await _process.WaitForExitAsync(grace.Token);
            }
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    // Waits for the server's one stdout line, {"type":"listening","port":N}.
    private static async Task<ProcessClusterServer> StartAsync(string name, Process process)
    {
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();
        var server = default(ProcessClusterServer);
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"Server {name} exited before listening:\n{Text(stderr)}");
            var port = JsonDocument.Parse(line).RootElement.GetProperty("port").GetInt32();
            server = new ProcessClusterServer(name, process, stderr, port);
            return server;
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"Server {name} did not listen within {StartTimeout.TotalSeconds} s:\n{Text(stderr)}", e);
        }
        finally
        {
            if (server is null)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }
    }

    private static string Text(StringBuilder stderr)
    {
        lock (stderr)
        {
            return stderr.ToString();
        }
    }
}
