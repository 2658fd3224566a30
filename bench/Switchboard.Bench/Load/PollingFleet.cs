using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Switchboard.Bench.Load;

/// <summary>
/// Socket.IO clients on HTTP long-polling only: each keeps one GET pending and POSTs what it
/// sends, answering the server's pings, and hands every marker it receives to the scenario.
/// </summary>
internal sealed class PollingFleet : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly HttpClient _http;
    private readonly string[] _sids;
    private readonly List<Task> _pollers = [];
    private readonly CancellationTokenSource _stop = new();

    private PollingFleet(HttpClient http, int count)
    {
        _http = http;
        _sids = new string[count];
    }

    /// <summary>Called for every marker received: (receiving client index, sender, sequence, timestamp).</summary>
    public Action<int, int, long, long>? OnMarker { get; set; }

    public static async Task<PollingFleet> ConnectAsync(IPEndPoint server, int count, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = (count * 2) + 4, UseCookies = false };
        var fleet = new PollingFleet(new HttpClient(handler) { BaseAddress = new Uri($"http://{server}/socket.io/"), Timeout = TimeSpan.FromMinutes(2) }, count);
        for (var i = 0; i < count; i++)
        {
            var open = await fleet._http.GetStringAsync("?EIO=4&transport=polling", cancellationToken).ConfigureAwait(false);
            var sidStart = open.IndexOf("\"sid\":\"", StringComparison.Ordinal) + 7;
            fleet._sids[i] = open[sidStart..open.IndexOf('"', sidStart)];
            await fleet.PostAsync(i, "40", cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < count; i++)
        {
            fleet._pollers.Add(fleet.PollAsync(i));
        }

        return fleet;
    }

    public Task SendAsync(int client, string marker, CancellationToken cancellationToken) =>
        PostAsync(client, $"42[\"message\",\"{marker}\"]", cancellationToken);

    public async Task StopAsync()
    {
        OnMarker = null;
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_pollers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or HttpRequestException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task PostAsync(int client, string payload, CancellationToken cancellationToken)
    {
        using var content = new StringContent(payload, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        using var response = await _http.PostAsync($"?EIO=4&transport=polling&sid={_sids[client]}", content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private Task PollAsync(int client) => Task.Run(async () =>
    {
        var markers = new (int, long, long)[64];
        while (!_stop.IsCancellationRequested)
        {
            string payload;
            try
            {
                payload = await _http.GetStringAsync($"?EIO=4&transport=polling&sid={_sids[client]}", _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                return;
            }

            foreach (var packet in payload.Split(Separator))
            {
                if (packet == "2")
                {
                    await PostAsync(client, "3", _stop.Token).ConfigureAwait(false);
                    continue;
                }

                var found = Dialect.ReadMarkers(Encoding.UTF8.GetBytes(packet), markers);
                for (var i = 0; i < found; i++)
                {
                    var (sender, sequence, timestamp) = markers[i];
                    OnMarker?.Invoke(client, sender, sequence, timestamp);
                }
            }
        }
    });
}
