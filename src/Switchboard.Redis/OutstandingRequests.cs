using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Redis.Wire;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;

namespace Switchboard.Redis;

/// <summary>
/// The requests one adapter has sent to the other servers and still waits on: the answers to each request, and the
/// client counts and acknowledgements of each broadcast with acknowledgements. An answer to anything else is another
/// server's business and ignored. As in Node's adapter, a request expects one answer from each other server counted
/// when it was sent.
/// </summary>
internal sealed class OutstandingRequests(RedisPublisher publisher, RedisChannel requests, Func<string> newRequestId, ILogger logger, string nsp)
{
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BroadcastAckCollector> _broadcasts = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends the request that <paramref name="request"/> writes for a new request id and returns one answer from each
    /// other server; none when this server is alone.
    /// </summary>
    /// <exception cref="RedisAdapterException">Redis is unreachable.</exception>
    /// <exception cref="Exception">What <paramref name="timedOut"/> makes of a request not fully answered within <paramref name="timeout"/>.</exception>
    public async Task<IReadOnlyList<ClusterMessage>> AskAsync(string what, Func<string, byte[]> request, TimeSpan timeout, Func<PendingRequest, Exception> timedOut)
    {
        var others = await publisher.CountServersAsync(what).ConfigureAwait(false) - 1;
        if (others <= 0)
        {
            return [];
        }

        var requestId = newRequestId();
        var pending = new PendingRequest(others);
        _requests[requestId] = pending;
        try
        {
            await publisher.PublishAsync(requests, request(requestId), what).ConfigureAwait(false);
            return await pending.Completion.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw timedOut(pending);
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    /// <summary>
    /// Node's <c>serverSideEmitWithAck</c>: sends the emit that <paramref name="request"/> writes and returns each other
    /// server's answer, read by <paramref name="readAnswer"/>; none when this server is alone.
    /// </summary>
    /// <exception cref="RedisAdapterException">Redis is unreachable.</exception>
    /// <exception cref="AcknowledgementTimeoutException">Not every server answered within <paramref name="timeout"/>; carries the answers that came.</exception>
    public async Task<IReadOnlyList<EventArguments>> AskServerSideEmitAsync(Func<string, byte[]> request, TimeSpan timeout, Func<ClusterMessage, EventArguments> readAnswer)
    {
        List<EventArguments> Read(IReadOnlyList<ClusterMessage> answers)
        {
            var result = new List<EventArguments>(answers.Count);
            foreach (var answer in answers)
            {
                result.Add(readAnswer(answer));
            }

            return result;
        }

        var answers = await AskAsync(
                "serverSideEmit",
                request,
                timeout,
                pending => new AcknowledgementTimeoutException($"timeout reached: only {pending.Answers.Count} responses received out of {pending.Expected}", Read(pending.Answers)))
            .ConfigureAwait(false);
        return Read(answers);
    }

    /// <summary>
    /// Node's <c>broadcastWithAck</c> to the other servers: each delivers the event written by <paramref name="request"/>,
    /// reports to <paramref name="collector"/> how many clients got it, then each answer. The servers are counted
    /// before the request leaves, so that no early report completes the collection before all are expected. While Redis
    /// is unreachable the broadcast reaches this server's clients only, which is logged.
    /// </summary>
    public async Task AskToBroadcastAsync(Func<string, byte[]> request, BroadcastAckCollector collector, TimeSpan? timeout)
    {
        const string What = "a broadcast with acknowledgements";
        int others;
        try
        {
            others = await publisher.CountServersAsync(What).ConfigureAwait(false) - 1;
        }
        catch (RedisAdapterException e)
        {
            RedisAdapterLog.BroadcastAckLocalOnly(logger, nsp, e.Message);
            return;
        }

        if (others <= 0)
        {
            return;
        }

        var requestId = newRequestId();
        collector.ExpectServers(others);
        _broadcasts[requestId] = collector;
        _ = ForgetAsync(requestId, collector, timeout);
        try
        {
            await publisher.PublishAsync(requests, request(requestId), What).ConfigureAwait(false);
        }
        catch (RedisAdapterException e)
        {
            // No other server got the event: none of them will report clients.
            RedisAdapterLog.BroadcastAckLocalOnly(logger, nsp, e.Message);
            for (var i = 0; i < others; i++)
            {
                collector.AddClients(0);
            }
        }
    }

    /// <summary>
    /// Takes another server's answer to request <paramref name="requestId"/>; an answer to a request this adapter is not
    /// waiting on is another server's business and ignored. False when the id is one of this adapter's broadcasts,
    /// whose answers are client counts and acknowledgements.
    /// </summary>
    public bool Answer(string requestId, ClusterMessage answer)
    {
        if (_broadcasts.ContainsKey(requestId))
        {
            return false;
        }

        if (_requests.TryGetValue(requestId, out var pending))
        {
            pending.Add(answer);
        }

        return true;
    }

    /// <summary>Takes how many of another server's clients received broadcast <paramref name="requestId"/>.</summary>
    public void CountClients(string requestId, int clients)
    {
        if (_broadcasts.TryGetValue(requestId, out var collector))
        {
            collector.AddClients(clients);
        }
    }

    /// <summary>Takes one client's acknowledgement of broadcast <paramref name="requestId"/>, from another server.</summary>
    public void Acknowledge(string requestId, EventArguments answer)
    {
        if (_broadcasts.TryGetValue(requestId, out var collector))
        {
            collector.Respond(answer);
        }
    }

    // Late answers to a broadcast whose sender stopped waiting are dropped, as Node drops them after its timeout flag.
    private async Task ForgetAsync(string requestId, BroadcastAckCollector collector, TimeSpan? timeout)
    {
        var done = collector.Completion;
        await (timeout is { } limit ? Task.WhenAny(done, Task.Delay(limit)) : done).ConfigureAwait(false);
        _broadcasts.TryRemove(requestId, out _);
    }
}
