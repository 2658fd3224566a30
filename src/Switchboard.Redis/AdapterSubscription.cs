using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Redis.Wire;

namespace Switchboard.Redis;

/// <summary>
/// What one adapter listens to (the pub/sub adapter: the broadcast pattern, the request channel, the common and its own
/// response channel; the Streams adapter: its namespace's public and its own channel), each read one message at a
/// time, in order, by its handler, whose failures are logged rather than thrown at the Redis reader. Subscribed once
/// Redis is reachable, and retried until it works. After an outage StackExchange.Redis subscribes again by itself but
/// says nothing when it has, so <see cref="Listening"/> waits for a probe (see <see cref="SubscriptionProbe"/>) to come
/// back on every channel.
/// </summary>
internal sealed class AdapterSubscription
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly RedisConnection _connection;
    private readonly RedisPublisher _publisher;
    private readonly string _uid;
    private readonly string _nsp;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<Channel> _channels;
    private readonly Func<string, byte[]> _probe;
    private readonly ConcurrentQueue<ChannelMessageQueue> _queues = new();
    private readonly ConcurrentDictionary<string, SubscriptionProbe> _probes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed = new();
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Starts subscribing to <paramref name="channels"/>; <paramref name="probe"/> writes the probe message with a token,
    /// which the handlers report back with <see cref="ProbeArrived"/> and the channel's number in the list.
    /// </summary>
    public AdapterSubscription(
        RedisConnection connection, RedisPublisher publisher, string uid, string nsp, ILogger logger, IReadOnlyList<Channel> channels, Func<string, byte[]> probe)
    {
        _connection = connection;
        _publisher = publisher;
        _uid = uid;
        _nsp = nsp;
        _logger = logger;
        _channels = channels;
        _probe = probe;
        _connection.SubscriptionLost += OnSubscriptionLost;
        _connection.SubscriptionRestored += OnSubscriptionRestored;
        _ = SubscribeAsync();
    }

    /// <summary>Completes while every channel is listened on; pending from an outage until the probe confirms them again.</summary>
    public Task Listening => Volatile.Read(ref _listening).Task;

    /// <summary>Records a probe message of this adapter's that came back on channel number <paramref name="channel"/>.</summary>
    public void ProbeArrived(int channel, string token)
    {
        if (_probes.TryGetValue(token, out var probe))
        {
            probe.Arrived(channel);
        }
    }

    /// <summary>Unsubscribes, and stops subscribing or probing.</summary>
    public void Close()
    {
        _connection.SubscriptionLost -= OnSubscriptionLost;
        _connection.SubscriptionRestored -= OnSubscriptionRestored;
        _closed.Cancel();
        while (_queues.TryDequeue(out var queue))
        {
            _ = UnsubscribeAsync(queue);
        }
    }

    private static async Task UnsubscribeAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            // The connection is gone (or being disposed as the server stops), and the subscription with it.
        }
    }

    private async Task SubscribeAsync()
    {
        var next = 0;
        try
        {
            while (next < _channels.Count)
            {
                await _connection.WhenConnectedAsync().WaitAsync(_closed.Token).ConfigureAwait(false);
                try
                {
                    while (next < _channels.Count && _connection.Connected is { } multiplexer)
                    {
                        var queue = await multiplexer.GetSubscriber().SubscribeAsync(_channels[next].Subscribed).ConfigureAwait(false);
                        var handler = _channels[next].Handler;
                        queue.OnMessage(message => HandleAsync(message, handler));
                        _queues.Enqueue(queue);
                        next++;
                    }
                }
                catch (RedisException e)
                {
                    RedisAdapterLog.SubscribeFailed(_logger, _nsp, e.Message);
                }

                if (next < _channels.Count)
                {
                    // Redis went away in between: try again once it is back, or in a second.
                    await Task.WhenAny(_connection.WhenConnectedAsync(), Task.Delay(RetryDelay, _closed.Token)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        // Closed meanwhile: a subscription made after Close had unsubscribed the others goes too.
        if (_closed.IsCancellationRequested)
        {
            Close();
            return;
        }

        RedisAdapterLog.Subscribed(_logger, _nsp, _uid);
        Volatile.Read(ref _listening).TrySetResult();
    }

    private async Task HandleAsync(ChannelMessage message, Func<ChannelMessage, Task> handler)
    {
        try
        {
            await handler(message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisAdapterLog.HandlerFailed(_logger, _nsp, message.Channel.ToString(), e);
        }
    }

    private void OnSubscriptionLost()
    {
        var listening = Volatile.Read(ref _listening);
        if (listening.Task.IsCompleted
            && Interlocked.CompareExchange(ref _listening, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), listening) == listening)
        {
            RedisAdapterLog.NotListening(_logger, _nsp);
        }
    }

    private void OnSubscriptionRestored() => _ = ConfirmListeningAsync();

    // Probes every channel, again each second until all come back: StackExchange.Redis may still be subscribing. Before
    // the first subscription completes there is nothing to confirm; SubscribeAsync completes Listening itself then.
    private async Task ConfirmListeningAsync()
    {
        var listening = Volatile.Read(ref _listening);
        try
        {
            while (!listening.Task.IsCompleted && _queues.Count == _channels.Count)
            {
                await _connection.WhenConnectedAsync().WaitAsync(_closed.Token).ConfigureAwait(false);
                var probe = new SubscriptionProbe(ClusterId.New(), _channels.Count);
                _probes[probe.Token] = probe;
                try
                {
                    var message = _probe(probe.Token);
                    foreach (var channel in _channels)
                    {
                        _publisher.Tell(channel.ProbedOn, message);
                    }

                    await probe.Confirmed.WaitAsync(RetryDelay, _closed.Token).ConfigureAwait(false);
                    if (listening.TrySetResult())
                    {
                        RedisAdapterLog.ListeningAgain(_logger, _nsp);
                    }
                }
                catch (TimeoutException)
                {
                }
                finally
                {
                    _probes.TryRemove(probe.Token, out _);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A channel (or pattern) to subscribe to, where a probe that comes back on it is sent, and its handler.</summary>
    /// <param name="Subscribed">The channel or pattern.</param>
    /// <param name="ProbedOn">The channel a probe is published on to come back through <paramref name="Subscribed"/>.</param>
    /// <param name="Handler">Reads each message, in order.</param>
    public readonly record struct Channel(RedisChannel Subscribed, RedisChannel ProbedOn, Func<ChannelMessage, Task> Handler);
}
