using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Switchboard.Redis;

/// <summary>
/// The connection to Redis that the adapters of every namespace of one server share: one StackExchange.Redis
/// multiplexer, whose single subscription connection makes this server one subscriber of each channel (which is how
/// <c>PUBSUB NUMSUB</c> counts servers). It connects in the background, so a server starts while Redis is down;
/// StackExchange.Redis reconnects and restores the subscriptions by itself, and this class logs each outage and return.
/// </summary>
/// <remarks>
/// Commands fail at once while the connection is down (<see cref="BacklogPolicy.FailFast"/>) instead of waiting in a
/// queue: a request to the other servers then fails fast and a broadcast reaches this server's sockets only.
/// </remarks>
internal sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private readonly Task<ConnectionMultiplexer?> _connecting;
    private TaskCompletionSource _restored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _down;

    /// <summary>
    /// Starts connecting to the Redis that <paramref name="configuration"/> names (a StackExchange.Redis configuration
    /// string); <paramref name="setting"/> names the option it came from, for the error when it is missing.
    /// </summary>
    public RedisConnection(string? configuration, string setting, ILogger logger)
        : this(Parse(configuration, setting), logger)
    {
    }

    /// <summary>Starts connecting with <paramref name="configuration"/>, to which it adds its own settings.</summary>
    public RedisConnection(ConfigurationOptions configuration, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _logger = logger;
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        Endpoint = string.Join(",", configuration.EndPoints);
        _connecting = ConnectAsync(configuration);
    }

    /// <summary>Raised when the subscription connection is lost; the subscriptions are gone until it is back.</summary>
    public event Action? SubscriptionLost;

    /// <summary>Raised when the subscription connection is back; StackExchange.Redis then subscribes again.</summary>
    public event Action? SubscriptionRestored;

    /// <summary>Where Redis is, for messages.</summary>
    public string Endpoint { get; }

    /// <summary>The multiplexer while it is connected; null while Redis is unreachable or not yet reached.</summary>
    public ConnectionMultiplexer? Connected =>
        _connecting.IsCompletedSuccessfully && _connecting.Result is { IsConnected: true } multiplexer ? multiplexer : null;

    /// <summary>
    /// Reads a StackExchange.Redis configuration string; <paramref name="setting"/> names the option it came from.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is missing.</exception>
    public static ConfigurationOptions Parse(string? configuration, string setting)
    {
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new InvalidOperationException($"{setting} is required: where Redis is, such as \"127.0.0.1:6379\".");
        }

        return ConfigurationOptions.Parse(configuration);
    }

    /// <summary>Completes at once when connected, otherwise when the connection is next established.</summary>
    public Task WhenConnectedAsync()
    {
        // Taken before the check, so a connection made in between completes it.
        var restored = Volatile.Read(ref _restored).Task;
        return Connected is null ? restored : Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => CloseAsync(allowCommandsToComplete: true);

    /// <summary>
    /// Closes the connection; without <paramref name="allowCommandsToComplete"/>, commands still waiting for Redis
    /// (a blocking read) fail at once instead of being waited for.
    /// </summary>
    public async ValueTask CloseAsync(bool allowCommandsToComplete)
    {
        if (await _connecting.ConfigureAwait(false) is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<ConnectionMultiplexer?> ConnectAsync(ConfigurationOptions configuration)
    {
        try
        {
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
            if (multiplexer.IsConnected)
            {
                SignalConnected();
            }
            else
            {
                MarkDown("not reached yet");
            }

            return multiplexer;
        }
        catch (RedisException e)
        {
            MarkDown(e.Message);
            return null;
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        MarkDown(e.FailureType.ToString());
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            SubscriptionLost?.Invoke();
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            RedisAdapterLog.Restored(_logger, Endpoint);
        }

        SignalConnected();
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            SubscriptionRestored?.Invoke();
        }
    }

    // Both of the multiplexer's connections report a failure; one outage is logged once.
    private void MarkDown(string failure)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            RedisAdapterLog.Unreachable(_logger, Endpoint, failure);
        }
    }

    private void SignalConnected() =>
        Interlocked.Exchange(ref _restored, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
