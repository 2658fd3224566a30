using Switchboard.SocketIO.Adapters;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>
/// A set of target sockets built by chaining <see cref="To"/> and <see cref="Except"/>; an emit
/// is encoded once and the same bytes go to every target. Same as Node's <c>BroadcastOperator</c>.
/// Immutable: each call returns a new operator.
/// </summary>
public sealed class BroadcastOperator
{
    private readonly Namespace _namespace;
    private readonly string[] _rooms;
    private readonly string[] _except;

    internal BroadcastOperator(Namespace nsp, string[] rooms, string[] except)
    {
        _namespace = nsp;
        _rooms = rooms;
        _except = except;
    }

    /// <summary>Also targets the members of <paramref name="room"/>. Same as Node's <c>to(room)</c>.</summary>
    public BroadcastOperator To(string room) => new(_namespace, [.. _rooms, room], _except);

    /// <summary>Same as <see cref="To"/>. Same as Node's <c>in(room)</c>.</summary>
    public BroadcastOperator In(string room) => To(room);

    /// <summary>Skips the members of <paramref name="room"/> (or the socket with that id). Same as Node's <c>except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => new(_namespace, _rooms, [.. _except, room]);

    /// <summary>Sends an event to every target socket. Same as Node's <c>emit</c>.</summary>
    /// <returns>A task that completes when the event is queued to every local target.</returns>
    public Task EmitAsync(string eventName, params object?[] args)
    {
        Socket.CheckEventName(eventName);
        var packets = _namespace.Server.Parser.EncodeEvent(_namespace.Name, eventName, args, null, _namespace.Server.JsonOptions);
        return _namespace.Adapter.BroadcastAsync(packets, new BroadcastOptions(_rooms, _except));
    }
}
