namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// Gathers the acknowledgements of one broadcast. Each server the broadcast reaches reports how many
/// of its clients must answer (<see cref="AddClients"/>); the collection completes when that many
/// answers (or disconnections) have arrived. Same role as the callbacks of Node's <c>broadcastWithAck</c>.
/// </summary>
public sealed class BroadcastAckCollector
{
    private readonly Lock _gate = new();
    private readonly List<EventArguments> _responses = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<int>? _relayClientCount;
    private readonly Action<EventArguments>? _relayResponse;
    private int _serversPending = 1;
    private int _expected;
    private int _failed;

    internal BroadcastAckCollector()
    {
    }

    /// <summary>
    /// Creates a collector that relays instead of collecting, for a scale-out adapter delivering another server's
    /// broadcast to its own clients: the local adapter's client count goes to <paramref name="clientCount"/> and each
    /// answer to <paramref name="response"/>, for the adapter to send back to the server that broadcast. Same as the
    /// callbacks Node's Redis adapter passes to <c>super.broadcastWithAck</c>.
    /// </summary>
    public BroadcastAckCollector(Action<int> clientCount, Action<EventArguments> response)
    {
        ArgumentNullException.ThrowIfNull(clientCount);
        ArgumentNullException.ThrowIfNull(response);
        _relayClientCount = clientCount;
        _relayResponse = response;
    }

    /// <summary>The answers received so far, in arrival order.</summary>
    public IReadOnlyList<EventArguments> Responses
    {
        get
        {
            lock (_gate)
            {
                return [.. _responses];
            }
        }
    }

    /// <summary>How many recipients disconnected before answering.</summary>
    public int Failed => Volatile.Read(ref _failed);

    internal Task Completion => _done.Task;

    /// <summary>Announces that <paramref name="count"/> more servers will report their client counts (scale-out adapters).</summary>
    public void ExpectServers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _serversPending += count;
        }
    }

    /// <summary>One server's report: <paramref name="count"/> of its clients received the broadcast and will answer.</summary>
    public void AddClients(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _relayClientCount?.Invoke(count);
        lock (_gate)
        {
            _expected += count;
            _serversPending--;
            CompleteIfDone();
        }
    }

    /// <summary>One client's answer.</summary>
    public void Respond(EventArguments response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (_relayResponse is not null)
        {
            _relayResponse(response);
            return;
        }

        lock (_gate)
        {
            _responses.Add(response);
            CompleteIfDone();
        }
    }

    /// <summary>One recipient left without answering.</summary>
    public void Fail()
    {
        lock (_gate)
        {
            _failed++;
            CompleteIfDone();
        }
    }

    /// <summary>Forwards a local socket's answer (or its disconnection) to this collection.</summary>
    internal void Track(Task<EventArguments> answer) =>
        answer.ContinueWith(
            static (t, s) =>
            {
                var collector = (BroadcastAckCollector)s!;
                if (t.IsCompletedSuccessfully)
                {
                    collector.Respond(t.Result);
                }
                else
                {
                    collector.Fail();
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void CompleteIfDone()
    {
        if (_serversPending <= 0 && _responses.Count + _failed >= _expected)
        {
            _done.TrySetResult();
        }
    }
}
