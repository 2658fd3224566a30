using System.Buffers.Text;
using System.Security.Cryptography;

namespace Switchboard.Connections;

/// <summary>
/// Unguessable ids for Engine.IO sessions and Socket.IO sockets: 120 random bits as 20 URL-safe
/// base64 characters. Like Node's base64id, the bits come from a pool of random bytes filled a few
/// kilobytes at a time (one per thread here): asking the system's generator for every id cost more
/// than all the rest of making one.
/// </summary>
internal static class Ids
{
    private const int IdBytes = 15;
    private const int PoolBytes = IdBytes * 273;

    [ThreadStatic]
    private static byte[]? t_pool;

    [ThreadStatic]
    private static int t_next;

    public static string New()
    {
        var pool = t_pool ??= new byte[PoolBytes];
        if (t_next == 0)
        {
            RandomNumberGenerator.Fill(pool);
        }

        var bytes = pool.AsSpan(t_next, IdBytes);
        var id = Base64Url.EncodeToString(bytes);
        bytes.Clear();
        t_next = (t_next + IdBytes) % PoolBytes;
        return id;
    }
}
