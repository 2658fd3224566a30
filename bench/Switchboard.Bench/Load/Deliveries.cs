using System.Diagnostics;
using HdrHistogram;

namespace Switchboard.Bench.Load;

/// <summary>Counts delivered messages and records their latency, from the timestamp each carries.</summary>
internal sealed class Deliveries
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(2);
    private readonly LongConcurrentHistogram _latency = new(1, 60_000_000, 3);
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(long timestamp)
    {
        Interlocked.Increment(ref _count);
        _latency.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(timestamp).TotalMicroseconds));
    }

    /// <summary>
    /// Waits for messages still in flight, stops the fleet, and reports rates over the sending
    /// time and the messages lost (each sent message should reach <paramref name="recipientsEach"/> clients).
    /// </summary>
    public async Task<Result> DrainAsync(Fleet fleet, Result result, long sent, int recipientsEach, TimeSpan sending, CancellationToken cancellationToken)
    {
        await Task.Delay(Drain, cancellationToken).ConfigureAwait(false);
        await fleet.StopAsync().ConfigureAwait(false);
        var seconds = sending.TotalSeconds;
        return Summarize(result with { SentPerSecond = sent / seconds, DeliveredPerSecond = Count / seconds, Lost = (sent * recipientsEach) - Count });
    }

    /// <summary>Adds the latency percentiles to <paramref name="result"/>; call once recording has stopped.</summary>
    public Result Summarize(Result result) => _latency.TotalCount == 0 ? result : result with
    {
        P50Microseconds = _latency.GetValueAtPercentile(50),
        P99Microseconds = _latency.GetValueAtPercentile(99),
        MaxMicroseconds = _latency.GetMaxValue(),
    };
}
