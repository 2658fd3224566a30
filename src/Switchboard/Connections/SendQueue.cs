using System.Threading.Tasks.Sources;

namespace Switchboard.Connections;

/// <summary>
/// A connection's bounded send queue: any thread queues, the connection's writer loop drains.
/// It does what a bounded <c>System.Threading.Channels</c> channel did here, with a fraction of its
/// objects (every idle connection holds one) and with a waiter that is reused, so waking a writer
/// loop for a broadcast allocates nothing. A full queue refuses the item; the caller decides what a
/// slow client deserves.
/// </summary>
/// <typeparam name="T">What is queued.</typeparam>
internal sealed class SendQueue<T>
{
    private readonly Lock _gate = new();
    private readonly int _bound;
    private T[] _items = [];
    private int _head;
    private int _count;
    private bool _completed;
    private Waiter? _waiters;
    private Waiter? _spare;

    /// <param name="bound">How many items it holds at most.</param>
    public SendQueue(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        _bound = bound;
    }

    /// <summary>How many items wait to be read.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Queues an item; false when the queue is full or complete.</summary>
    public bool TryWrite(T item) => TryAdd(item, complete: false, pastBound: false);

    /// <summary>
    /// Queues a last item, past the bound if the queue is full, and completes the queue: what a
    /// close leaves for the writer. False when the queue was already complete.
    /// </summary>
    public bool TryComplete(T last) => TryAdd(last, complete: true, pastBound: true);

    /// <summary>Takes no more items; readers get what is queued, then learn that the queue is complete.</summary>
    public void Complete()
    {
        Waiter? waiters;
        lock (_gate)
        {
            _completed = true;
            waiters = TakeWaiters();
        }

        Wake(waiters, itemReady: false);
    }

    /// <summary>Drops every queued item.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_items);
            _head = 0;
            _count = 0;
        }
    }

    /// <summary>Takes the oldest item, if there is one.</summary>
    public bool TryRead(out T item)
    {
        // An empty queue is the common answer and needs no lock: a count seen stale sends the reader
        // to WaitToReadAsync, which looks again under the lock.
        if (Volatile.Read(ref _count) == 0)
        {
            item = default!;
            return false;
        }

        lock (_gate)
        {
            if (_count == 0)
            {
                item = default!;
                return false;
            }

            item = _items[_head];
            _items[_head] = default!;
            _head = (_head + 1) % _items.Length;
            _count--;
            return true;
        }
    }

    /// <summary>
    /// Completes with true when an item can be read, with false when the queue is complete and
    /// empty; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _count) > 0)
        {
            return new ValueTask<bool>(true);
        }

        Waiter waiter;
        lock (_gate)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<bool>(cancellationToken);
            }

            waiter = Interlocked.Exchange(ref _spare, null) ?? new Waiter(this);
            waiter.Next = _waiters;
            _waiters = waiter;
        }

        return waiter.Arm(cancellationToken);
    }

    private bool TryAdd(T item, bool complete, bool pastBound)
    {
        Waiter? waiters;
        lock (_gate)
        {
            if (_completed || (_count == _bound && !pastBound))
            {
                return false;
            }

            if (_count == _items.Length)
            {
                Grow();
            }

            _items[(_head + _count) % _items.Length] = item;
            _count++;
            _completed = complete;
            waiters = TakeWaiters();
        }

        Wake(waiters, itemReady: true);
        return true;
    }

    private void Grow()
    {
        var grown = new T[Math.Max(4, _items.Length * 2)];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _items[(_head + i) % _items.Length];
        }

        _items = grown;
        _head = 0;
    }

    private Waiter? TakeWaiters()
    {
        var waiters = _waiters;
        _waiters = null;
        return waiters;
    }

    private static void Wake(Waiter? waiters, bool itemReady)
    {
        while (waiters is not null)
        {
            var next = waiters.Next;
            waiters.Next = null;
            waiters.Complete(itemReady);
            waiters = next;
        }
    }

    /// <summary>Takes a waiter out of the list, unless a writer has already woken it.</summary>
    private bool Remove(Waiter waiter)
    {
        lock (_gate)
        {
            ref var link = ref _waiters;
            while (link is not null)
            {
                if (ReferenceEquals(link, waiter))
                {
                    link = waiter.Next;
                    waiter.Next = null;
                    return true;
                }

                link = ref link.Next;
            }

            return false;
        }
    }

    private void Reuse(Waiter waiter) => Interlocked.CompareExchange(ref _spare, waiter, null);

    /// <summary>One reader's wait; reused for the next wait once its result is taken.</summary>
    private sealed class Waiter(SendQueue<T> queue) : IValueTaskSource<bool>
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _registration;
        private CancellationToken _cancellationToken;
        private int _done;

        public Waiter? Next;

        public ValueTask<bool> Arm(CancellationToken cancellationToken)
        {
            var task = new ValueTask<bool>(this, _core.Version);
            if (cancellationToken.CanBeCanceled)
            {
                _cancellationToken = cancellationToken;
                _registration = cancellationToken.UnsafeRegister(static w => ((Waiter)w!).OnCanceled(), this);
            }

            return task;
        }

        public void Complete(bool itemReady)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                _core.SetResult(itemReady);
            }
        }

        public bool GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _registration.Dispose();
                _registration = default;
                _cancellationToken = default;
                _done = 0;
                _core.Reset();
                queue.Reuse(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void OnCanceled()
        {
            if (queue.Remove(this) && Interlocked.Exchange(ref _done, 1) == 0)
            {
                _core.SetException(new OperationCanceledException(_cancellationToken));
            }
        }
    }
}
