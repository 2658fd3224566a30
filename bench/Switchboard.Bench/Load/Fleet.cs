using System.Diagnostics;
using System.Net;

namespace Switchboard.Bench.Load;

/// <summary>
/// The load generator's clients: connects them (a bounded number at a time), keeps a receive
/// loop per client, answers the dialect's pings, and hands every marker it receives to the scenario.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private readonly Dialect _dialect;
    private readonly List<Task> _receivers = [];
    private readonly CancellationTokenSource _stop = new();

    private Fleet(Dialect dialect) => _dialect = dialect;

    public List<WsClient> Clients { get; } = [];

    /// <summary>Called for every marker received: (receiving client index, sender, sequence, timestamp).</summary>
    public Action<int, int, long, long>? OnMarker { get; set; }

    /// <summary>Connects <paramref name="count"/> clients and completes their handshakes, <paramref name="concurrency"/> at a time.</summary>
    public static Task<(Fleet Fleet, TimeSpan Elapsed)> ConnectAsync(Dialect dialect, IPEndPoint server, int count, CancellationToken cancellationToken, int concurrency = 64) =>
        ConnectAsync(dialect, [server], count, cancellationToken, concurrency);

    /// <summary>
    /// Connects <paramref name="count"/> clients spread over <paramref name="servers"/> round-robin (client i to
    /// server i mod n: the nodes of a cluster) and completes their handshakes, <paramref name="concurrency"/> at a time.
    /// </summary>
    public static async Task<(Fleet Fleet, TimeSpan Elapsed)> ConnectAsync(Dialect dialect, IReadOnlyList<IPEndPoint> servers, int count, CancellationToken cancellationToken, int concurrency = 64)
    {
        var fleet = new Fleet(dialect);
        var clients = new WsClient[count];
        var started = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var client = await WsClient.ConnectAsync(servers[index % servers.Count], dialect.Path, cancellationToken).ConfigureAwait(false);
                    await dialect.HandshakeAsync(client, cancellationToken).ConfigureAwait(false);
                    clients[index] = client;
                }
                finally
                {
                    gate.Release();
                }
            }, cancellationToken);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        fleet.Clients.AddRange(clients);
        for (var i = 0; i < count; i++)
        {
            fleet._receivers.Add(fleet.ReceiveAsync(i));
        }

        return (fleet, elapsed);
    }

    /// <summary>Closes every client and waits for the receive loops, so nothing is recorded after it returns.</summary>
    public async Task StopAsync()
    {
        OnMarker = null;
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var client in Clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_receivers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private Task ReceiveAsync(int index) => Task.Run(() => Clients[index].ReceiveAsync(
        (client, opcode, payload) =>
        {
            var span = payload.Span;
            if (_dialect.Reply(span) is { } reply)
            {
                _ = client.SendAsync(reply);
                return true;
            }

            Span<(int, long, long)> markers = stackalloc (int, long, long)[16];
            var found = Dialect.ReadMarkers(span, markers);
            var onMarker = OnMarker;
            for (var i = 0; i < found && onMarker is not null; i++)
            {
                var (sender, sequence, timestamp) = markers[i];
                onMarker(index, sender, sequence, timestamp);
            }

            return true;
        },
        _stop.Token));
}
