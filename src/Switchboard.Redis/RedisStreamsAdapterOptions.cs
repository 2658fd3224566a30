namespace Switchboard.Redis;

/// <summary>
/// Settings of the Redis Streams adapter. Defaults match Node's @socket.io/redis-streams-adapter 0.3, so a Switchboard
/// server and a Node server with that adapter and the same settings form one cluster.
/// </summary>
public sealed class RedisStreamsAdapterOptions
{
    /// <summary>
    /// Where Redis is: a StackExchange.Redis configuration string such as <c>"127.0.0.1:6379"</c>. Required; no
    /// default. As with the pub/sub adapter, a server starts while Redis is down and connects when it comes up. The
    /// adapter opens a second connection for the blocking stream reads.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The stream that carries broadcasts and room changes, and whose entry ids are connection state recovery's
    /// offsets. Node's <c>streamName</c>; default <c>"socket.io"</c>.
    /// </summary>
    public string StreamName { get; set; } = "socket.io";

    /// <summary>
    /// How many streams the namespaces are spread over: with more than one, namespace <c>n</c> uses
    /// <c>{StreamName}-{i}</c>, <c>i</c> computed from its name as Node computes it. Node's <c>streamCount</c>; default 1.
    /// </summary>
    public int StreamCount { get; set; } = 1;

    /// <summary>
    /// The prefix of the pub/sub channels that carry requests between servers and their answers:
    /// <c>{ChannelPrefix}#{namespace}#</c>, whose subscriber count is the number of servers, and each server's own
    /// <c>{ChannelPrefix}#{namespace}#{uid}#</c>. Node's <c>channelPrefix</c>; default <c>"socket.io"</c>.
    /// </summary>
    public string ChannelPrefix { get; set; } = "socket.io";

    /// <summary>
    /// About how many entries a stream keeps (<c>XADD … MAXLEN ~</c>): a client whose offset has been trimmed away
    /// gets a fresh session. Node's <c>maxLen</c>; default 10,000.
    /// </summary>
    public int MaxLen { get; set; } = 10_000;

    /// <summary>The most entries one read of the stream returns (<c>XREAD COUNT</c>). Node's <c>readCount</c>; default 100.</summary>
    public int ReadCount { get; set; } = 100;

    /// <summary>How long one read of the stream waits for new entries (<c>XREAD BLOCK</c>). Node's <c>blockTimeInMs</c>; default 5 s.</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The prefix of the keys that keep sessions for connection state recovery, <c>{SessionKeyPrefix}{pid}</c>.
    /// Node's <c>sessionKeyPrefix</c>; default <c>"sio:session:"</c>.
    /// </summary>
    public string SessionKeyPrefix { get; set; } = "sio:session:";

    /// <summary>
    /// How long a request to the other servers (<c>FetchSocketsAsync</c> without its own timeout) waits for their
    /// answers. Node's fixed <c>DEFAULT_TIMEOUT</c> of socket.io-adapter's cluster adapter; default 5 s.
    /// </summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether every stream entry's data is JSON, binary values included (as base64 text), instead of msgpack for an
    /// entry that holds binary values. Node's <c>onlyPlaintext</c>; default false.
    /// </summary>
    public bool OnlyPlaintext { get; set; }

    /// <summary>Refuses settings the adapter cannot work with, naming the setting.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(StreamName, "RedisStreamsAdapterOptions.StreamName");
        ArgumentException.ThrowIfNullOrEmpty(ChannelPrefix, "RedisStreamsAdapterOptions.ChannelPrefix");
        ArgumentException.ThrowIfNullOrEmpty(SessionKeyPrefix, "RedisStreamsAdapterOptions.SessionKeyPrefix");
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamCount, 1, "RedisStreamsAdapterOptions.StreamCount");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLen, 1, "RedisStreamsAdapterOptions.MaxLen");
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadCount, 1, "RedisStreamsAdapterOptions.ReadCount");
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockTime, TimeSpan.FromMilliseconds(1), "RedisStreamsAdapterOptions.BlockTime");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestsTimeout, TimeSpan.Zero, "RedisStreamsAdapterOptions.RequestsTimeout");
    }
}
