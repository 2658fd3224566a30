using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// <c>deploy/run-cluster.sh</c> run as a user runs it, with the chat server of this build and free loopback ports:
/// Redis, three chat servers on it and nginx in front of them, every line of their output marked with its writer
/// (<c>[node-2] …</c>). Returned once the script says the cluster is ready.
/// </summary>
internal sealed class ClusterScript : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly ProcessOutput _output;

    private ClusterScript(Process process, int[] ports)
    {
        _process = process;
        _output = new ProcessOutput(process, "deploy/run-cluster.sh");
        Ports = ports;
    }

    /// <summary>Where nginx listens, the address users open.</summary>
    public string Url => $"http://127.0.0.1:{Ports[0].ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every port the cluster listens on: nginx's first, then the chat servers', then Redis's.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>Everything the script and its servers have written so far.</summary>
    public string Output => _output.Text;

    public static async Task<ClusterScript> StartAsync()
    {
        var ports = LoopbackPort.Free(5);
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryFolder.Find("deploy", "run-cluster.sh"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "run-cluster.sh",
            "--listen", $"127.0.0.1:{ports[0]}",
            "--node-ports", string.Join(',', ports[1..4]),
            "--redis-port", ports[4].ToString(CultureInfo.InvariantCulture),
            "--chat", Path.Combine(AppContext.BaseDirectory, "Switchboard.Chat.dll"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var script = new ClusterScript(Process.Start(start)!, ports);
        try
        {
            await script._output.WaitForLineAsync("[cluster] ready", StartTimeout);
            return script;
        }
        catch
        {
            await script.DisposeAsync();
            throw;
        }
    }

    /// <summary>The chat server (<c>node-1</c>, <c>node-2</c>, …) that logged the Socket.IO connection <paramref name="socketId"/>.</summary>
    public async Task<string> NodeOfAsync(string socketId)
    {
        var line = await _output.WaitForLineAsync($"New connection: {socketId}");
        return line[1..line.IndexOf(']', StringComparison.Ordinal)];
    }

    /// <summary>Stops the script as a service manager does (SIGTERM), which stops the cluster; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await Signal.TerminateAsync(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    /// <summary>
    /// Stops the script if it is still running, as <see cref="StopAsync"/> does, so that it removes its temporary
    /// folder; kills it and every process under it if that takes too long.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync();
            }
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
