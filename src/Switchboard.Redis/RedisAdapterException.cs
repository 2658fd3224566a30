namespace Switchboard.Redis;

/// <summary>
/// A request to the other servers (<c>FetchSocketsAsync</c>, <c>AllRoomsAsync</c>, <c>ServerSideEmitWithAckAsync</c>)
/// could not be sent because Redis is unreachable. Raised at once rather than after a timeout; the server's own
/// sockets keep working meanwhile.
/// </summary>
public sealed class RedisAdapterException : Exception
{
    /// <summary>Reports a failed request.</summary>
    public RedisAdapterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Reports a failed request.</summary>
    public RedisAdapterException(string message)
        : base(message)
    {
    }

    /// <summary>Reports a failed request.</summary>
    public RedisAdapterException()
        : base("Redis is unreachable.")
    {
    }
}
