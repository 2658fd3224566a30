namespace Switchboard.SocketIO;

/// <summary>An ordered list of listeners, copied on write so that raising never locks or allocates.</summary>
internal sealed class ListenerList<T>
    where T : Delegate
{
    private readonly Lock _gate = new();
    private T[] _listeners = [];

    public T[] Snapshot => Volatile.Read(ref _listeners);

    public void Add(T listener, bool prepend)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            _listeners = prepend ? [listener, .. _listeners] : [.. _listeners, listener];
        }
    }

    /// <summary>Removes the first registration of <paramref name="listener"/>, or every listener when it is null.</summary>
    public void Remove(T? listener)
    {
        lock (_gate)
        {
            if (listener is null)
            {
                _listeners = [];
                return;
            }

            var index = Array.IndexOf(_listeners, listener);
            if (index >= 0)
            {
                _listeners = [.. _listeners.AsSpan(0, index), .. _listeners.AsSpan(index + 1)];
            }
        }
    }
}
