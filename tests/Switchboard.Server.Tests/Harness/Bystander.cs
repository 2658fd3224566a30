using System.Net;

namespace Switchboard.Server.Tests.Harness;

/// <summary>
/// A second, well-behaved polling session, opened before a test misbehaves on its own session,
/// to prove that bad input on one session never affects another.
/// </summary>
public sealed class Bystander : IDisposable
{
    private readonly Polling _polling;

    private Bystander(Polling polling, string sid)
    {
        _polling = polling;
        Sid = sid;
    }

    /// <summary>The bystander's session id.</summary>
    public string Sid { get; }

    /// <summary>Opens the bystander's session.</summary>
    public static async Task<Bystander> OpenAsync(TestServer server)
    {
        var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync();
        return new Bystander(polling, sid);
    }

    /// <summary>Sends a message and polls until it comes back, answering pings on the way.</summary>
    public async Task AssertStillEchoesAsync()
    {
        const string message = "4still here";
        EngineAssert.Ok(await _polling.PostAsync(Sid, message));
        using var deadline = new CancellationTokenSource(TaskTimeouts.Default);
        while (true)
        {
            var (status, body) = await _polling.PollAsync(Sid, deadline.Token);
            Assert.Equal(HttpStatusCode.OK, status);
            var packets = body.Split('\u001e');
            if (packets.Contains(message))
            {
                return;
            }

            if (packets.Contains("2"))
            {
                EngineAssert.Ok(await _polling.PostAsync(Sid, "3"));
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _polling.Dispose();
}
