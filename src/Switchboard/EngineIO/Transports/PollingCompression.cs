using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Switchboard.EngineIO.Packets;

namespace Switchboard.EngineIO.Transports;

/// <summary>
/// HTTP compression of a poll's answer (<see cref="EngineOptions.HttpCompression"/>): the
/// encoding is negotiated from <c>Accept-Encoding</c> and the compressed body is sent with its
/// <c>Content-Length</c>, as the reference sends it.
/// </summary>
internal static class PollingCompression
{
    private static readonly string[] Encodings = ["gzip", "deflate"];
    private static readonly Ranking NotAccepted = new(0, false, int.MaxValue);

    /// <summary>
    /// The encoding to answer <paramref name="request"/> with: <c>gzip</c> or <c>deflate</c>, or null
    /// when the client accepts neither. Ranked as the reference's negotiator ranks them: for each
    /// encoding, its entry by name decides over <c>*</c>; then the higher q wins, then an entry by
    /// name, then the earlier entry, then gzip.
    /// </summary>
    public static string? ChooseEncoding(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0 || !StringWithQualityHeaderValue.TryParseList(header, out var accepted))
        {
            return null;
        }

        string? chosen = null;
        var chosenRank = NotAccepted;
        foreach (var encoding in Encodings)
        {
            var rank = Rank(accepted, encoding);
            if (rank.Quality > 0 && Outranks(rank, chosenRank))
            {
                (chosen, chosenRank) = (encoding, rank);
            }
        }

        return chosen;
    }

    /// <summary>Writes <paramref name="packets"/> as one payload, compressed with <paramref name="encoding"/>.</summary>
    public static async Task WriteAsync(HttpResponse response, IReadOnlyList<EnginePacket> packets, string encoding, CompressionLevel level)
    {
        // Compressed in memory first, so the response carries a Content-Length like the reference's.
        using var body = new MemoryStream();
        await using (Stream compressor = encoding == "gzip" ? new GZipStream(body, level, leaveOpen: true) : new ZLibStream(body, level, leaveOpen: true))
        {
            var writer = PipeWriter.Create(compressor, new StreamPipeWriterOptions(leaveOpen: true));
            EnginePayload.Encode(writer, packets);
            await writer.CompleteAsync().ConfigureAwait(false);
        }

        response.Headers.ContentEncoding = encoding;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length)).ConfigureAwait(false);
    }

    /// <summary>
    /// How the client rates <paramref name="encoding"/>: the quality (0: not acceptable), whether by
    /// name rather than by <c>*</c>, and the position of that entry in its header.
    /// </summary>
    private static Ranking Rank(IList<StringWithQualityHeaderValue> accepted, string encoding)
    {
        var best = NotAccepted;
        for (var i = 0; i < accepted.Count; i++)
        {
            var value = accepted[i];
            var named = value.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase);
            if (!named && !value.Value.Equals("*", StringComparison.Ordinal))
            {
                continue;
            }

            // The most specific entry decides; among equals, the higher q, then the first.
            var rank = new Ranking(value.Quality ?? 1.0, named, i);
            if (best.Order == int.MaxValue || (named && !best.Named) || (named == best.Named && rank.Quality > best.Quality))
            {
                best = rank;
            }
        }

        return best;
    }

    private static bool Outranks(Ranking a, Ranking b) =>
        a.Quality != b.Quality ? a.Quality > b.Quality
        : a.Named != b.Named ? a.Named
        : a.Order < b.Order;

    private readonly record struct Ranking(double Quality, bool Named, int Order);
}
