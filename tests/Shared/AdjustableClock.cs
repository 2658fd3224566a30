namespace Switchboard.Testing;

/// <summary>
/// The system clock, except that a test can move it forward: <see cref="Advance"/> makes time
/// appear to have passed (for expiry rules) without waiting for it. Timers still run on real
/// time, so heartbeats and timeouts are unaffected.
/// </summary>
public sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>Makes <paramref name="duration"/> more appear to have passed from now on.</summary>
    public void Advance(TimeSpan duration) => Interlocked.Add(ref _offsetTicks, duration.Ticks);

    /// <inheritdoc/>
    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Interlocked.Read(ref _offsetTicks) * (double)TimestampFrequency / TimeSpan.TicksPerSecond);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
