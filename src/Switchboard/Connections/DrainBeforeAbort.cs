using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.Connections;

/// <summary>
/// Holds back an abort of the HTTP connection under a WebSocket until what is already written has
/// had time to leave. ASP.NET Core aborts the connection the moment .NET's WebSocket enters the
/// Aborted state, and on a protocol violation (1002, 1007) that is right after the WebSocket has
/// written its close frame: the abort races Kestrel's sender and can discard the frame, so the
/// client sees a dropped connection instead of the RFC 6455 code. Meanwhile the request ends
/// normally and Kestrel closes the connection after sending; the delayed abort then only cuts off
/// a peer that does not take its data.
/// </summary>
internal sealed class DrainBeforeAbort(IHttpRequestLifetimeFeature inner) : IHttpRequestLifetimeFeature
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1);
    private int _aborting;

    public CancellationToken RequestAborted
    {
        get => inner.RequestAborted;
        set => inner.RequestAborted = value;
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborting, 1) == 0)
        {
            _ = AbortLaterAsync(inner.Abort);
        }
    }

    /// <summary>Gives what is already written a moment to leave, then cuts the connection off with <paramref name="abort"/>.</summary>
    public static Task AbortLaterAsync(Action abort) => AbortLaterAsync(abort, Drain);

    /// <summary>Gives the peer <paramref name="grace"/> to take what is written and answer, then cuts it off with <paramref name="abort"/>.</summary>
    public static async Task AbortLaterAsync(Action abort, TimeSpan grace)
    {
        await Task.Delay(grace).ConfigureAwait(false);
        abort();
    }
}
