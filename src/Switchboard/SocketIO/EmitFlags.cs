namespace Switchboard.SocketIO;

/// <summary>The per-emit flags of a socket.</summary>
internal readonly record struct EmitFlags(bool Volatile, bool Compress, TimeSpan? Timeout)
{
    public static EmitFlags Default => new(false, true, null);
}
