using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Switchboard.Server.Tests.Harness;

/// <summary>
/// A chunked request body whose first part is sent at once and the rest only after
/// <see cref="Release"/>: holds a POST in flight for as long as a test needs.
/// </summary>
public sealed class HeldContent : HttpContent
{
    private readonly byte[] _first;
    private readonly byte[] _rest;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the body <paramref name="first"/> + <paramref name="rest"/>.</summary>
    public HeldContent(string first, string rest)
    {
        _first = Encoding.UTF8.GetBytes(first);
        _rest = Encoding.UTF8.GetBytes(rest);
        Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
    }

    /// <summary>Lets the rest of the body go.</summary>
    public void Release() => _release.TrySetResult();

    /// <inheritdoc/>
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc/>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_first, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await _release.Task.WaitAsync(TaskTimeouts.Default, cancellationToken);
        await stream.WriteAsync(_rest, cancellationToken);
    }

    /// <inheritdoc/>
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
