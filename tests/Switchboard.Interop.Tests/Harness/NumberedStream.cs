using System.Text.Json;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// A server emits 1, 2, 3, … as event <c>n</c> to a room, paced, until stopped: the traffic of the connection state
/// recovery tests, which check that a client gets every number once and in order across a cut.
/// </summary>
internal sealed class NumberedStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly EventRecord<int> _sent = new();
    private readonly TimeSpan _hangGuard;
    private readonly Task _loop;

    /// <summary>Starts emitting to <paramref name="target"/>; <paramref name="hangGuard"/> bounds every wait.</summary>
    public NumberedStream(BroadcastOperator target, TimeSpan hangGuard)
    {
        _hangGuard = hangGuard;
        _loop = Task.Run(() => RunAsync(target));
    }

    /// <summary>How many numbers have been sent.</summary>
    public int Sent => _sent.Count;

    // The number in the next "n" event the client received, checking that the server appended the event's offset, as
    // the reference does with recovery on.
    private static async Task<int> NextAsync(NodeClientDriver driver, string client, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var e = await driver.WaitForAsync(client, "event", e => e.GetProperty("event").GetString() == "n", timeout);
        var args = e.GetProperty("args");
        Assert.Equal(2, args.GetArrayLength());
        Assert.Equal(JsonValueKind.String, args[1].ValueKind);
        return args[0].GetInt32();
    }

    /// <summary>Asserts that the next numbers <paramref name="client"/> received are <paramref name="from"/> to <paramref name="to"/>, in order.</summary>
    public static async Task ExpectAsync(NodeClientDriver driver, string client, int from, int to, TimeSpan timeout)
    {
        for (var next = from; next <= to; next++)
        {
            Assert.Equal(next, await NextAsync(driver, client, timeout));
        }
    }

    /// <summary>Waits until <paramref name="count"/> numbers have been sent.</summary>
    public Task WaitForSentAsync(int count) => _sent.WaitForCountAsync(count, _hangGuard);

    /// <summary>Holds the stream after the number being sent, if any, until <see cref="Resume"/>.</summary>
    public Task PauseAsync() => _running.WaitAsync(_hangGuard);

    /// <summary>Lets a paused stream go on.</summary>
    public void Resume() => _running.Release();

    /// <summary>Stops the stream and returns the last number sent.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(_hangGuard);
        return _sent.Count;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _running.Dispose();
    }

    private async Task RunAsync(BroadcastOperator target)
    {
        for (var n = 1; !_stop.IsCancellationRequested; n++)
        {
            try
            {
                await _running.WaitAsync(_stop.Token);
                try
                {
                    await target.EmitAsync("n", n);
                    _sent.Add(n);
                }
                finally
                {
                    _running.Release();
                }

                // Paced so that the stream spans the cut without flooding the client's queue.
                await Task.Delay(2, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
