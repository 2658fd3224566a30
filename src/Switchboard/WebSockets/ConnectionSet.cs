using System.Collections;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace Switchboard.WebSockets;

/// <summary>
/// A set of connections a component keeps, like the <c>SplObjectStorage</c> of Ratchet's chat,
/// with a broadcast that encodes a message once and queues the same bytes to every member.
/// </summary>
public sealed class ConnectionSet : IEnumerable<IConnection>
{
    private readonly ConcurrentDictionary<IConnection, byte> _connections = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many connections the set holds.</summary>
    public int Count => _connections.Count;

    /// <summary>Adds a connection (on open).</summary>
    public void Add(IConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[connection] = 0;
    }

    /// <summary>Removes a connection (on close), so nothing keeps it alive.</summary>
    public void Remove(IConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections.TryRemove(connection, out _);
    }

    /// <summary>
    /// Passes a received message on to every member but <paramref name="except"/> (usually its
    /// sender): copied once out of the pooled receive buffer, then shared.
    /// </summary>
    /// <returns>How many members the message was queued to.</returns>
    public int Broadcast(WebSocketMessage message, IConnection? except = null) =>
        Broadcast(message.Data.ToArray(), message.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary, except);

    /// <summary>Sends a text message to every member but <paramref name="except"/>; returns how many it was queued to.</summary>
    public int Broadcast(string text, IConnection? except = null) =>
        Broadcast(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, except);

    /// <summary>
    /// Sends a message to every member but <paramref name="except"/>: the bytes are shared, not
    /// copied; a member whose queue is full is closed without holding up the others.
    /// </summary>
    /// <returns>How many members the message was queued to.</returns>
    public int Broadcast(ReadOnlyMemory<byte> data, WebSocketMessageType type, IConnection? except = null)
    {
        var sent = 0;
        foreach (var (connection, _) in _connections)
        {
            if (!ReferenceEquals(connection, except) && connection.Send(data, type))
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>Enumerates the members; connections added or removed meanwhile may or may not be seen.</summary>
    public IEnumerator<IConnection> GetEnumerator() => _connections.Keys.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
