namespace Switchboard.SocketIO;

/// <summary>
/// The handlers of a socket (or a namespace's server-side handlers) by event name: a small array
/// copied on write, since handlers are registered once and looked up for every event, and an idle
/// socket should hold as little as possible.
/// </summary>
internal sealed class EventHandlerTable
{
    private (string Name, EventHandlerInvoker[] Handlers)[] _entries = [];

    public void Add(string eventName, Delegate handler)
    {
        var invoker = new EventHandlerInvoker(handler);
        while (true)
        {
            var entries = Volatile.Read(ref _entries);
            var index = IndexOf(entries, eventName);
            (string Name, EventHandlerInvoker[] Handlers)[] updated;
            if (index < 0)
            {
                updated = [.. entries, (eventName, [invoker])];
            }
            else
            {
                updated = [.. entries];
                updated[index] = (eventName, [.. entries[index].Handlers, invoker]);
            }

            if (Interlocked.CompareExchange(ref _entries, updated, entries) == entries)
            {
                return;
            }
        }
    }

    public void Remove(string eventName)
    {
        while (true)
        {
            var entries = Volatile.Read(ref _entries);
            var index = IndexOf(entries, eventName);
            if (index < 0)
            {
                return;
            }

            (string, EventHandlerInvoker[])[] updated = [.. entries.AsSpan(0, index), .. entries.AsSpan(index + 1)];
            if (Interlocked.CompareExchange(ref _entries, updated, entries) == entries)
            {
                return;
            }
        }
    }

    public EventHandlerInvoker[]? Find(string eventName)
    {
        var entries = Volatile.Read(ref _entries);
        var index = IndexOf(entries, eventName);
        return index < 0 ? null : entries[index].Handlers;
    }

    private static int IndexOf((string Name, EventHandlerInvoker[] Handlers)[] entries, string eventName)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Name, eventName, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
