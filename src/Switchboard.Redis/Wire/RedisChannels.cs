using StackExchange.Redis;

namespace Switchboard.Redis.Wire;

/// <summary>
/// The channel names of one namespace's adapter, as @socket.io/redis-adapter 8.x names them for key <c>socket.io</c>
/// and namespace <c>/</c>: broadcasts on <c>socket.io#/#</c>, or <c>socket.io#/#room#</c> for a broadcast to exactly one
/// room (all read through the pattern <c>socket.io#/#*</c>); requests on <c>socket.io-request#/#</c>; answers on
/// <c>socket.io-response#/#</c>, or on the asker's own <c>socket.io-response#/#uid#</c>.
/// </summary>
internal sealed class RedisChannels
{
    private readonly string _broadcast;
    private readonly string _response;

    public RedisChannels(string key, string nsp, string uid)
    {
        _broadcast = key + "#" + nsp + "#";
        _response = key + "-response#" + nsp + "#";
        BroadcastPattern = RedisChannel.Pattern(_broadcast + "*");
        Request = RedisChannel.Literal(key + "-request#" + nsp + "#");
        Response = RedisChannel.Literal(_response);
        OwnResponse = ResponseOf(uid);
        ProbeRoom = "switchboard-probe-" + uid;
        Probe = Broadcast([ProbeRoom]);
    }

    /// <summary>The pattern every broadcast channel of the namespace matches.</summary>
    public RedisChannel BroadcastPattern { get; }

    /// <summary>Where requests go; its subscriber count (<c>PUBSUB NUMSUB</c>) is the number of servers.</summary>
    public RedisChannel Request { get; }

    /// <summary>Where answers go unless the asker wants them on its own channel.</summary>
    public RedisChannel Response { get; }

    /// <summary>This adapter's own answer channel.</summary>
    public RedisChannel OwnResponse { get; }

    /// <summary>A room no socket joins, whose broadcast channel carries this adapter's probe; other servers skip it unread.</summary>
    public string ProbeRoom { get; }

    /// <summary>The broadcast channel of <see cref="ProbeRoom"/>.</summary>
    public RedisChannel Probe { get; }

    /// <summary>The channel of a broadcast to <paramref name="rooms"/>: the room's own for exactly one room.</summary>
    public RedisChannel Broadcast(IReadOnlyList<string> rooms) =>
        RedisChannel.Literal(rooms.Count == 1 ? _broadcast + rooms[0] + "#" : _broadcast);

    /// <summary>The answer channel of the server with adapter id <paramref name="uid"/>.</summary>
    public RedisChannel ResponseOf(string uid) => RedisChannel.Literal(_response + uid + "#");

    /// <summary>
    /// The room a broadcast channel names (empty for the namespace's own channel), read as Node reads it: what follows
    /// the prefix, without the last character. False for a channel of another namespace that the pattern also matched.
    /// </summary>
    public bool TryGetRoom(string channel, out string room)
    {
        room = "";
        if (!channel.StartsWith(_broadcast, StringComparison.Ordinal))
        {
            return false;
        }

        if (channel.Length > _broadcast.Length)
        {
            room = channel[_broadcast.Length..^1];
        }

        return true;
    }
}
