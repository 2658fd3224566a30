using System.Diagnostics;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Every line a process writes to stdout and stderr, kept as it comes, so a test can wait for a line written before
/// or after it began waiting.
/// </summary>
internal sealed class ProcessOutput
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly string _writer;
    private readonly List<string> _lines = [];
    private TaskCompletionSource _lineWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts reading both streams of <paramref name="process"/>, which <paramref name="writer"/> names in errors.</summary>
    public ProcessOutput(Process process, string writer)
    {
        _writer = writer;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything written so far, one line after another.</summary>
    public string Text
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The first line containing <paramref name="fragment"/>, waiting for it up to <paramref name="timeout"/> (15 s unless given).</summary>
    public async Task<string> WaitForLineAsync(string fragment, TimeSpan? timeout = null)
    {
        using var expiry = new CancellationTokenSource(timeout ?? DefaultTimeout);
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
                await written.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{_writer} never wrote \"{fragment}\". It wrote:\n{Text}");
            }
        }
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
}
