using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Redis.Wire;

namespace Switchboard.Redis;

/// <summary>
/// Publishes one adapter's messages on Redis. What only tells the other servers something is sent without waiting, and
/// dropped (logged) while Redis is unreachable; what must reach them fails at once with a <see cref="RedisAdapterException"/>
/// while it is. Also counts the servers, as Node's adapters do: every server with the namespace subscribes once to the
/// channel <paramref name="counted"/> (the pub/sub adapter's request channel, the Streams adapter's public channel),
/// so its <c>PUBSUB NUMSUB</c> is the number of servers, this one included.
/// </summary>
internal sealed class RedisPublisher(RedisConnection connection, RedisChannel counted, ILogger logger, string nsp, TimeSpan timeout)
{
    /// <summary>The connection it publishes on.</summary>
    public RedisConnection Connection => connection;

    /// <summary>
    /// Publishes without waiting. Messages told one after the other leave in that order: StackExchange.Redis writes
    /// commands as they are issued.
    /// </summary>
    public void Tell(RedisChannel channel, byte[] message)
    {
        if (connection.Connected is not { } multiplexer)
        {
            RedisAdapterLog.NotPublished(logger, nsp, channel.ToString());
            return;
        }

        var published = multiplexer.GetSubscriber().PublishAsync(channel, message);
        if (!published.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(published, channel);
        }
    }

    /// <summary>Publishes a message that <paramref name="what"/> needs delivered.</summary>
    /// <exception cref="RedisAdapterException">Redis is unreachable.</exception>
    public async Task PublishAsync(RedisChannel channel, byte[] message, string what)
    {
        var multiplexer = connection.Connected ?? throw Unreachable(what, null);
        try
        {
            await multiplexer.GetSubscriber().PublishAsync(channel, message).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            throw Unreachable(what, e);
        }
    }

    /// <summary>How many servers have this namespace, this one included.</summary>
    /// <exception cref="RedisAdapterException">Redis is unreachable, or does not answer within the requests timeout.</exception>
    public async Task<int> CountServersAsync(string what)
    {
        var multiplexer = connection.Connected ?? throw Unreachable(what, null);
        try
        {
            var result = await multiplexer.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", counted).WaitAsync(timeout).ConfigureAwait(false);
            return result.Length == 2 ? (int)result[1] : throw new RedisAdapterException($"Unexpected answer to PUBSUB NUMSUB: {result}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw Unreachable(what, e);
        }
    }

    /// <summary>The exception for <paramref name="what"/>, which needs Redis while it is unreachable.</summary>
    public RedisAdapterException Unreachable(string what, Exception? inner)
    {
        var message = $"{what} needs the other servers, but Redis at {connection.Endpoint} is unreachable.";
        return inner is null ? new RedisAdapterException(message) : new RedisAdapterException(message, inner);
    }

    private async Task ObserveAsync(Task published, RedisChannel channel)
    {
        try
        {
            await published.ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            RedisAdapterLog.PublishFailed(logger, nsp, channel.ToString(), e);
        }
    }
}
