using System.Security.Cryptography;

namespace Switchboard.Redis.Wire;

/// <summary>The six-character random ids that @socket.io/redis-adapter gives servers and requests (<c>uid2(6)</c>).</summary>
internal static class ClusterId
{
    public static string New() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6);
}
