using Switchboard.Redis.Wire;

namespace Switchboard.Redis;

/// <summary>
/// A request to the other servers waiting for their answers: complete when as many have arrived as there were other
/// servers when it was sent (the request channel's subscriber count, less this one), as Node's adapter counts them.
/// </summary>
internal sealed class PendingRequest(int expected)
{
    private readonly Lock _gate = new();
    private readonly List<ClusterMessage> _answers = [];
    private readonly TaskCompletionSource<IReadOnlyList<ClusterMessage>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many answers complete the request.</summary>
    public int Expected { get; } = expected;

    /// <summary>Completes with every answer once <see cref="Expected"/> have arrived.</summary>
    public Task<IReadOnlyList<ClusterMessage>> Completion => _done.Task;

    /// <summary>The answers so far.</summary>
    public IReadOnlyList<ClusterMessage> Answers
    {
        get
        {
            lock (_gate)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>Adds one server's answer.</summary>
    public void Add(ClusterMessage answer)
    {
        lock (_gate)
        {
            _answers.Add(answer);
            if (_answers.Count >= Expected)
            {
                _done.TrySetResult([.. _answers]);
            }
        }
    }
}
