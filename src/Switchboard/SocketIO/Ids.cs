using System.Security.Cryptography;

namespace Switchboard.SocketIO;

/// <summary>Unguessable ids for sockets: 120 random bits as 20 URL-safe base64 characters, like Node's base64id.</summary>
internal static class Ids
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
