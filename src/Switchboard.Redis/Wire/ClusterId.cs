using System.Security.Cryptography;

namespace Switchboard.Redis.Wire;

/// <summary>The random ids the Node adapters give servers and requests.</summary>
internal static class ClusterId
{
    /// <summary>Six characters, as @socket.io/redis-adapter makes them (<c>uid2(6)</c>).</summary>
    public static string New() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6);

    /// <summary>Sixteen hex digits, as socket.io-adapter's cluster adapter, under the Streams adapter, makes them (<c>randomId()</c>).</summary>
    public static string NewHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
