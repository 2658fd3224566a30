using Microsoft.AspNetCore.Connections.Features;

namespace Switchboard.Connections;

/// <summary>
/// A connection's heartbeat as Kestrel's HTTP layer sees it. That layer checks its timeouts on
/// every tick for as long as the connection lives, and once a request has ended it gives the
/// response a deadline to drain (MaxResponseBufferSize at MinResponseDataRate, a few minutes by
/// default) that a WebSocket outliving the request would eventually miss, and be cut off. After
/// <see cref="Detach"/> its callbacks are neither called nor kept, so the HTTP layer's objects are
/// also free to go.
/// </summary>
internal sealed class DetachableHeartbeat(IConnectionHeartbeatFeature inner) : IConnectionHeartbeatFeature
{
    private readonly List<Callback> _callbacks = [];

    public void OnHeartbeat(Action<object> action, object state)
    {
        var callback = new Callback(action, state);
        lock (_callbacks)
        {
            _callbacks.Add(callback);
        }

        inner.OnHeartbeat(static c => ((Callback)c).Invoke(), callback);
    }

    public void Detach()
    {
        lock (_callbacks)
        {
            foreach (var callback in _callbacks)
            {
                callback.Clear();
            }

            _callbacks.Clear();
        }
    }

    private sealed class Callback(Action<object> action, object state)
    {
        private Target? _target = new(action, state);

        public void Invoke()
        {
            if (Volatile.Read(ref _target) is { } target)
            {
                target.Action(target.State);
            }
        }

        public void Clear() => Volatile.Write(ref _target, null);

        private sealed record Target(Action<object> Action, object State);
    }
}
