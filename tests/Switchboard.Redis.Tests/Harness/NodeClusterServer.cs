using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchboard.Interop.Tests.Harness;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>
/// The reference peer: a Node socket.io 4.8 server with @socket.io/redis-adapter 8.x (tests/redis-interop/server.mjs),
/// on its own process and port, with the same handlers as the Switchboard servers. The npm packages are installed from
/// the folder's lock file on first use.
/// </summary>
public sealed class NodeClusterServer : IClusterServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);
    private readonly Process _process;

    private NodeClusterServer(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public Uri Url { get; }

    /// <summary>
    /// Starts the server on <paramref name="redis"/> with channel key <paramref name="key"/> and returns once its adapter
    /// listens; <paramref name="specificResponseChannel"/> sets the adapter's <c>publishOnSpecificResponseChannel</c>.
    /// </summary>
    public static async Task<NodeClusterServer> StartAsync(string name, RedisServer redis, string key, bool specificResponseChannel = false)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var folder = RepositoryFolder.Find("tests/redis-interop", "package.json");
        await NpmInstall.EnsureAsync(folder);
        var process = NodeProcess.Start(folder, "server.mjs", new Dictionary<string, string>
        {
            ["REDIS_URL"] = redis.Url,
            ["REDIS_KEY"] = key,
            ["SERVER_NAME"] = name,
            ["SPECIFIC_RESPONSE_CHANNEL"] = specificResponseChannel ? "1" : "0",
        });
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();
        var server = default(NodeClusterServer);
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"The Node server exited before listening:\n{Text(stderr)}");
            var port = JsonDocument.Parse(line).RootElement.GetProperty("port").GetInt32();
            server = new NodeClusterServer(name, process, port);
            return server;
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"The Node server did not listen within {StartTimeout.TotalSeconds} s:\n{Text(stderr)}", e);
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

    /// <summary>Closes the server's stdin, which makes it exit; kills it if it has not after a few seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(ExitGrace);
            await _process.WaitForExitAsync(grace.Token);
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

    private static string Text(StringBuilder stderr)
    {
        lock (stderr)
        {
            return stderr.ToString();
        }
    }
}
