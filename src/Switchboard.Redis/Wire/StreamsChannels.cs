using StackExchange.Redis;

namespace Switchboard.Redis.Wire;

/// <summary>
/// Where one namespace's Streams adapter writes and reads, named as @socket.io/redis-streams-adapter 0.3 names them for
/// the default settings and namespace <c>/</c>: the stream <c>socket.io</c> (or <c>socket.io-{i}</c> with several
/// streams), the public channel <c>socket.io#/#</c> every server of the namespace subscribes to, each server's own
/// channel <c>socket.io#/#{uid}#</c>, and session keys <c>sio:session:{pid}</c>.
/// </summary>
internal sealed class StreamsChannels
{
    private readonly string _channel;
    private readonly string _sessionKeyPrefix;

    public StreamsChannels(RedisStreamsAdapterOptions options, string nsp, string uid)
    {
        _channel = options.ChannelPrefix + "#" + nsp + "#";
        _sessionKeyPrefix = options.SessionKeyPrefix;
        Stream = StreamOf(options, nsp);
        Public = RedisChannel.Literal(_channel);
        Own = PrivateOf(uid);
    }

    /// <summary>The namespace's stream.</summary>
    public RedisKey Stream { get; }

    /// <summary>Where requests go; its subscriber count (<c>PUBSUB NUMSUB</c>) is the number of servers.</summary>
    public RedisChannel Public { get; }

    /// <summary>This adapter's own channel, where the answers to its requests come.</summary>
    public RedisChannel Own { get; }

    /// <summary>
    /// The stream of namespace <paramref name="nsp"/>: with several, chosen by Node's string hash of the name, remainder
    /// and all (a negative hash gives a name such as <c>socket.io--1</c>, as in Node).
    /// </summary>
    public static string StreamOf(RedisStreamsAdapterOptions options, string nsp)
    {
        if (options.StreamCount == 1)
        {
            return options.StreamName;
        }

        var hash = 0;
        foreach (var c in nsp)
        {
            hash = unchecked((hash * 31) + c);
        }

        return options.StreamName + "-" + (hash % options.StreamCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The own channel of the server whose adapter id is <paramref name="uid"/>.</summary>
    public RedisChannel PrivateOf(string uid) => RedisChannel.Literal(_channel + uid + "#");

    /// <summary>The key of the session with private id <paramref name="pid"/>.</summary>
    public RedisKey SessionKey(string pid) => _sessionKeyPrefix + pid;
}
