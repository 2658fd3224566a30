namespace Switchboard.Redis;

/// <summary>
/// Settings of the Redis pub/sub adapter. Defaults match Node's @socket.io/redis-adapter 8.x, so a Switchboard server and
/// a Node server with that adapter and the same settings form one cluster.
/// </summary>
public sealed class RedisAdapterOptions
{
    /// <summary>
    /// Where Redis is: a StackExchange.Redis configuration string such as <c>"127.0.0.1:6379"</c> or
    /// <c>"redis.internal:6379,password=…,ssl=true"</c>. Required; no default. The adapter adds
    /// <c>abortConnect=false</c> (a server starts while Redis is down and connects when it comes up) and fails commands
    /// at once while the connection is down instead of queueing them.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The prefix of every channel name: <c>{Key}#{namespace}#</c> for broadcasts, <c>{Key}-request#{namespace}#</c> and
    /// <c>{Key}-response#{namespace}#</c> for requests between servers. Servers with different keys on one Redis do not
    /// see each other. Node's <c>key</c>; default <c>"socket.io"</c>.
    /// </summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>
    /// How long a request to the other servers (<c>FetchSocketsAsync</c>, <c>AllRoomsAsync</c>) waits for their
    /// answers before it fails with a <see cref="TimeoutException"/>. Node's <c>requestsTimeout</c>; default 5 s.
    /// </summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether this server answers a request on the asking server's own response channel
    /// (<c>{Key}-response#{namespace}#{uid}#</c>) rather than the one every server reads, so that each server reads
    /// only answers to its own requests. Every server listens on both, so servers may differ here. Node's
    /// <c>publishOnSpecificResponseChannel</c>; default false.
    /// </summary>
    public bool PublishOnSpecificResponseChannel { get; set; }

    /// <summary>Refuses settings the adapter cannot work with, naming the setting.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Key, "RedisAdapterOptions.Key");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestsTimeout, TimeSpan.Zero, "RedisAdapterOptions.RequestsTimeout");
    }
}
