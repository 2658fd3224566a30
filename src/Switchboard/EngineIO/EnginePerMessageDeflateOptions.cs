namespace Switchboard.EngineIO;

/// <summary>
/// WebSocket compression (the permessage-deflate extension, RFC 7692), for clients that offer it
/// (browsers and the Node client do). Same as Node's <c>perMessageDeflate</c> option; set
/// <see cref="EngineOptions.PerMessageDeflate"/> to turn it on. It is off by default, as in the
/// reference, because every connection then holds a compression and a decompression context and
/// every large message costs CPU; it pays off for large, repetitive messages on slow links.
/// </summary>
public sealed class EnginePerMessageDeflateOptions
{
    /// <summary>
    /// The smallest message, in bytes, that the server compresses; smaller ones go as they are,
    /// since deflate gains little on them. Reference default: 1024.
    /// </summary>
    public int Threshold { get; set; } = 1024;

    /// <summary>
    /// Whether the server starts a fresh compression context for every message: less memory held
    /// per connection, worse compression. Same as <c>serverNoContextTakeover</c>. Default: false.
    /// </summary>
    public bool ServerNoContextTakeover { get; set; }

    /// <summary>
    /// The base-2 logarithm of the server's compression window, 9 to 15: smaller holds less memory
    /// per connection and compresses less. Same as <c>serverMaxWindowBits</c>. Default: 15.
    /// </summary>
    public int ServerMaxWindowBits { get; set; } = 15;

    /// <summary>Throws if a setting is out of range.</summary>
    internal void Validate()
    {
        if (Threshold < 0)
        {
            throw new ArgumentException($"EngineOptions.PerMessageDeflate.Threshold is negative ({Threshold}).");
        }

        if (ServerMaxWindowBits is < 9 or > 15)
        {
            throw new ArgumentException($"EngineOptions.PerMessageDeflate.ServerMaxWindowBits must be 9 to 15, not {ServerMaxWindowBits}.");
        }
    }
}
