using System.Diagnostics;
using System.Net;

namespace Switchboard.Bench.Load;

/// <summary>The benchmark's scenarios, each against one server.</summary>
internal static class Scenarios
{
    /// <summary>
    /// (a) Chat fan-out at a fixed total send rate: every message to every other client; latency and losses. With
    /// several <paramref name="servers"/> (f), the clients are spread over the nodes of a cluster.
    /// </summary>
    public static async Task<Result> FanoutAtRateAsync(string server, Dialect dialect, IReadOnlyList<IPEndPoint> servers, int clients, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (fleet, _) = await Fleet.ConnectAsync(dialect, servers, clients, cancellationToken).ConfigureAwait(false);
        await using var owned = fleet;
        var deliveries = new Deliveries();
        fleet.OnMarker = (_, _, _, timestamp) => deliveries.Record(timestamp);

        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                var sender = (int)(sent % clients);
                await fleet.Clients[sender].SendAsync(dialect.Message(Dialect.Marker(sender, sent, Stopwatch.GetTimestamp())), cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        return await deliveries.DrainAsync(fleet, new Result("fanout-rate", server, clients), sent, clients - 1, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// (a) Chat fan-out, unlimited: every client sends its next message as soon as the previous
    /// one has reached every other client, so the server is saturated without unbounded queues. With several
    /// <paramref name="servers"/> (f), the clients are spread over the nodes of a cluster.
    /// </summary>
    public static async Task<Result> FanoutMaxAsync(string server, Dialect dialect, IReadOnlyList<IPEndPoint> servers, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (fleet, _) = await Fleet.ConnectAsync(dialect, servers, clients, cancellationToken).ConfigureAwait(false);
        await using var owned = fleet;
        var deliveries = new Deliveries();
        var reached = new int[clients];
        var sequences = new long[clients];
        var running = true;
        fleet.OnMarker = (_, sender, _, timestamp) =>
        {
            deliveries.Record(timestamp);
            if (Interlocked.Increment(ref reached[sender]) == clients - 1 && Volatile.Read(ref running))
            {
                reached[sender] = 0;
                var next = Interlocked.Increment(ref sequences[sender]);
                _ = fleet.Clients[sender].SendAsync(dialect.Message(Dialect.Marker(sender, next, Stopwatch.GetTimestamp())), cancellationToken);
            }
        };

        var started = Stopwatch.GetTimestamp();
        for (var sender = 0; sender < clients; sender++)
        {
            await fleet.Clients[sender].SendAsync(dialect.Message(Dialect.Marker(sender, 0, Stopwatch.GetTimestamp())), cancellationToken).ConfigureAwait(false);
        }

        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        var received = deliveries.Count;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Volatile.Write(ref running, false);
        await fleet.StopAsync().ConfigureAwait(false);
        long sent = 0;
        foreach (var s in sequences)
        {
            sent += s + 1;
        }

        return deliveries.Summarize(new Result("fanout-max", server, clients) { SentPerSecond = sent / seconds, DeliveredPerSecond = received / seconds });
    }

    /// <summary>(b) Rooms: clients in rooms of <paramref name="roomSize"/>, one message per room per second to the room's other members.</summary>
    public static async Task<Result> RoomsAsync(string server, Dialect dialect, IPEndPoint endpoint, int clients, int roomSize, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (fleet, _) = await Fleet.ConnectAsync(dialect, endpoint, clients, cancellationToken).ConfigureAwait(false);
        await using var owned = fleet;
        var rooms = clients / roomSize;
        for (var i = 0; i < clients; i++)
        {
            await fleet.Clients[i].SendAsync(dialect.Join("r" + (i % rooms)), cancellationToken).ConfigureAwait(false);
        }

        // Joins are fire-and-forget in every dialect; an acknowledged round trip per client would
        // prove them done, a short pause is enough for a benchmark.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var deliveries = new Deliveries();
        fleet.OnMarker = (_, _, _, timestamp) => deliveries.Record(timestamp);

        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        for (var second = 0; second < (int)duration.TotalSeconds; second++)
        {
            for (var room = 0; room < rooms; room++)
            {
                var sender = room + (rooms * (second % roomSize));
                await fleet.Clients[sender].SendAsync(dialect.RoomMessage("r" + room, Dialect.Marker(sender, sent++, Stopwatch.GetTimestamp())), cancellationToken).ConfigureAwait(false);
            }

            var next = TimeSpan.FromSeconds(second + 1) - Stopwatch.GetElapsedTime(started);
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next, cancellationToken).ConfigureAwait(false);
            }
        }

        return await deliveries.DrainAsync(fleet, new Result("rooms", server, clients), sent, roomSize - 1, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// (e) Chat fan-out over long-polling, at a fixed total send rate: every message POSTed by one
    /// client is polled by every other.
    /// </summary>
    public static async Task<Result> PollingAsync(string server, IPEndPoint endpoint, int clients, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var fleet = await PollingFleet.ConnectAsync(endpoint, clients, cancellationToken).ConfigureAwait(false);
        var deliveries = new Deliveries();
        fleet.OnMarker = (_, _, _, timestamp) => deliveries.Record(timestamp);

        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        var posts = new List<Task>();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                var sender = (int)(sent % clients);
                posts.Add(fleet.SendAsync(sender, Dialect.Marker(sender, sent, Stopwatch.GetTimestamp()), cancellationToken));
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(posts).ConfigureAwait(false);
        var sending = Stopwatch.GetElapsedTime(started);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        await fleet.StopAsync().ConfigureAwait(false);
        return deliveries.Summarize(new Result("polling", server, clients)
        {
            SentPerSecond = sent / sending.TotalSeconds,
            DeliveredPerSecond = deliveries.Count / sending.TotalSeconds,
            Lost = (sent * (clients - 1)) - deliveries.Count,
        });
    }

    /// <summary>
    /// (c) Idle connections: how fast they connect and how much server memory each holds. Before
    /// the timed run, <paramref name="warmup"/> clients connect and leave, so that every server
    /// (.NET and V8 alike compile as they go) is timed warm; memory is counted from before that
    /// warm-up, because a heap grown for the warm-up's clients and then reused would hide part of
    /// the fleet's cost. The fleet connects <paramref name="concurrency"/> at a time; the CPU each
    /// process spends per connection meanwhile says which of them bounds the rate (one core each)
    /// and, unlike the rate, barely moves when other work shares the machine. The fleet stays
    /// connected for <paramref name="hold"/> after the measurement (time to take a heap dump).
    /// </summary>
    public static async Task<Result> IdleAsync(string server, Dialect dialect, IPEndPoint endpoint, int clients, int serverPid, int warmup, int concurrency, TimeSpan hold, CancellationToken cancellationToken)
    {
        var before = ProcessUsage.ResidentKb(serverPid);
        if (warmup > 0)
        {
            var (warm, _) = await Fleet.ConnectAsync(dialect, endpoint, warmup, cancellationToken, concurrency).ConfigureAwait(false);
            await warm.DisposeAsync().ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }

        var serverCpu = ProcessUsage.CpuTime(serverPid);
        var loadCpu = ProcessUsage.CpuTime(Environment.ProcessId);
        var (fleet, elapsed) = await Fleet.ConnectAsync(dialect, endpoint, clients, cancellationToken, concurrency).ConfigureAwait(false);
        serverCpu = ProcessUsage.CpuTime(serverPid) - serverCpu;
        loadCpu = ProcessUsage.CpuTime(Environment.ProcessId) - loadCpu;
        await using var owned = fleet;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        var after = ProcessUsage.ResidentKb(serverPid);
        var result = new Result("idle", server, clients)
        {
            ConnectionsPerSecond = clients / elapsed.TotalSeconds,
            RssPerConnectionKb = (after - before) / (double)clients,
            ServerCpuMicrosecondsPerConnection = serverCpu.TotalMicroseconds / clients,
            LoadCpuMicrosecondsPerConnection = loadCpu.TotalMicroseconds / clients,
        };
        if (hold > TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"holding {clients} connections for {hold.TotalSeconds} s").ConfigureAwait(false);
            await Task.Delay(hold, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>(d) Acknowledgement round trips, one at a time, at low load.</summary>
    public static async Task<Result> AckAsync(string server, Dialect dialect, IPEndPoint endpoint, int count, CancellationToken cancellationToken)
    {
        var client = await WsClient.ConnectAsync(endpoint, dialect.Path, cancellationToken).ConfigureAwait(false);
        await using var owned = client;
        await dialect.HandshakeAsync(client, cancellationToken).ConfigureAwait(false);
        var deliveries = new Deliveries();
        var markers = new (int, long, long)[4];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await client.SendAsync(dialect.Ack(i, Dialect.Marker(0, i, Stopwatch.GetTimestamp())), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var (_, payload) = await client.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
                if (dialect.Reply(payload) is { } reply)
                {
                    await client.SendAsync(reply, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (Dialect.ReadMarkers(payload, markers) > 0)
                {
                    deliveries.Record(markers[0].Item3);
                    break;
                }
            }
        }

        return deliveries.Summarize(new Result("ack", server, 1) { SentPerSecond = count / Stopwatch.GetElapsedTime(started).TotalSeconds });
    }

    /// <summary>
    /// (g) fetchSockets round trips across a cluster, one at a time: <paramref name="clients"/> idle clients spread
    /// over the nodes, and one more on the first node asks <paramref name="count"/> times for every socket of the
    /// cluster. Each answer must count them all, or the nodes do not form one cluster.
    /// </summary>
    public static async Task<Result> FetchAsync(string server, Dialect dialect, IReadOnlyList<IPEndPoint> servers, int clients, int count, CancellationToken cancellationToken)
    {
        var (fleet, _) = await Fleet.ConnectAsync(dialect, servers, clients, cancellationToken).ConfigureAwait(false);
        await using var owned = fleet;
        var client = await WsClient.ConnectAsync(servers[0], dialect.Path, cancellationToken).ConfigureAwait(false);
        await using var asking = client;
        await dialect.HandshakeAsync(client, cancellationToken).ConfigureAwait(false);
        var roundTrips = new Deliveries();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await client.SendAsync(dialect.Fetch(i), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var (_, payload) = await client.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
                if (dialect.Reply(payload) is { } reply)
                {
                    await client.SendAsync(reply, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (dialect.FetchCount(payload) is { } found)
                {
                    roundTrips.Record(sent);
                    if (found != clients + 1)
                    {
                        throw new InvalidOperationException($"fetch found {found} sockets, expected {clients + 1}: the nodes are not one cluster.");
                    }

                    break;
                }
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        await fleet.StopAsync().ConfigureAwait(false);
        return roundTrips.Summarize(new Result("cluster-fetch", server, clients) { SentPerSecond = count / elapsed.TotalSeconds });
    }
}
