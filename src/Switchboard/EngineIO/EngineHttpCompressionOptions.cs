using System.IO.Compression;

namespace Switchboard.EngineIO;

/// <summary>
/// HTTP compression of long-polling responses: a poll's answer is sent gzip- or deflate-encoded
/// when the client accepts it (<c>Accept-Encoding</c>) and the payload is large enough. Same as
/// Node's <c>httpCompression</c> option, and on by default as there; set
/// <see cref="EngineOptions.HttpCompression"/> to null to turn it off.
/// </summary>
public sealed class EngineHttpCompressionOptions
{
    /// <summary>The smallest response body, in bytes, that is compressed. Reference default: 1024.</summary>
    public int Threshold { get; set; } = 1024;

    /// <summary>
    /// How hard to compress. Default: <see cref="CompressionLevel.Optimal"/>, zlib's default level,
    /// which is what the reference uses.
    /// </summary>
    public CompressionLevel Level { get; set; } = CompressionLevel.Optimal;

    /// <summary>Throws if a setting is out of range.</summary>
    internal void Validate()
    {
        if (Threshold < 0)
        {
            throw new ArgumentException($"EngineOptions.HttpCompression.Threshold is negative ({Threshold}).");
        }

        if (!Enum.IsDefined(Level))
        {
            throw new ArgumentException($"EngineOptions.HttpCompression.Level {(int)Level} is not a CompressionLevel.");
        }
    }
}
