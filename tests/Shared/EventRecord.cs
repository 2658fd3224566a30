namespace Switchboard.Testing;

/// <summary>Things that happened, in order, with waits for one that matches or for a count.</summary>
public sealed class EventRecord<T>
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly List<T> _items = [];
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many have happened.</summary>
    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>A copy of what has happened so far.</summary>
    public IReadOnlyList<T> Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    /// <summary>Records one.</summary>
    public void Add(T item)
    {
        TaskCompletionSource added;
        lock (_items)
        {
            _items.Add(item);
            added = _added;
            _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    /// <summary>Waits for the first one that matches <paramref name="match"/> (any, when null), including those already recorded.</summary>
    public async Task<T> WaitForAsync(Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task added;
            lock (_items)
            {
                foreach (var item in _items)
                {
                    if (match is null || match(item))
                    {
                        return item;
                    }
                }

                added = _added.Task;
            }

            await WaitAsync(added, cts.Token, "a matching event").ConfigureAwait(false);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> have happened; returns them.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task added;
            lock (_items)
            {
                if (_items.Count >= count)
                {
                    return [.. _items];
                }

                added = _added.Task;
            }

            await WaitAsync(added, cts.Token, $"{count} events").ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(Task added, CancellationToken cancellationToken, string what)
    {
        try
        {
            await added.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Timed out waiting for {what}; recorded {Count}: {string.Join(", ", Snapshot())}");
        }
    }
}
