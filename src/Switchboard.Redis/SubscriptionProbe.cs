namespace Switchboard.Redis;

/// <summary>
/// Shows that an adapter listens on Redis again after an outage. StackExchange.Redis subscribes again by itself once
/// Redis is back, but says nothing when it has; so the adapter sends one message with this probe's token to each of
/// its channels, and the probe is confirmed when every one has come back through Redis.
/// </summary>
internal sealed class SubscriptionProbe(string token, int channels)
{
    private readonly TaskCompletionSource _confirmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>What the probe messages carry.</summary>
    public string Token { get; } = token;

    /// <summary>Completes when a probe message has come back on every channel.</summary>
    public Task Confirmed => _confirmed.Task;

    /// <summary>Records the probe message that came back on channel number <paramref name="channel"/>.</summary>
    public void Arrived(int channel)
    {
        var bit = 1 << channel;
        if ((Interlocked.Or(ref _arrived, bit) | bit) == (1 << channels) - 1)
        {
            _confirmed.TrySetResult();
        }
    }
}
