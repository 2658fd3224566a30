using Switchboard.SocketIO.Adapters;

namespace Switchboard.SocketIO;

/// <summary>
/// A set of target sockets built by chaining <see cref="To(string)"/>, <see cref="Except(string)"/>
/// and the flags; an emit is encoded once and the same bytes go to every target. Same as Node's
/// <c>BroadcastOperator</c>. Immutable: each call returns a new operator.
/// </summary>
public sealed class BroadcastOperator
{
    private readonly Namespace _namespace;
    private readonly BroadcastOptions _options;

    internal BroadcastOperator(Namespace nsp, BroadcastOptions options)
    {
        _namespace = nsp;
        _options = options;
    }

    /// <summary>Also targets the members of <paramref name="room"/>. Same as Node's <c>to(room)</c>.</summary>
    public BroadcastOperator To(string room) => With(_options with { Rooms = [.. _options.Rooms, room] });

    /// <summary>Also targets the members of each of <paramref name="rooms"/>; a socket in several gets the event once. Same as Node's <c>to([…])</c>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => With(_options with { Rooms = [.. _options.Rooms, .. rooms] });

    /// <summary>Same as <see cref="To(string)"/>. Same as Node's <c>in(room)</c>.</summary>
    public BroadcastOperator In(string room) => To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>. Same as Node's <c>in([…])</c>.</summary>
    public BroadcastOperator In(params IEnumerable<string> rooms) => To(rooms);

    /// <summary>Skips the members of <paramref name="room"/> (or the socket with that id). Same as Node's <c>except(room)</c>.</summary>
    public BroadcastOperator Except(string room) => With(_options with { Except = [.. _options.Except, room] });

    /// <summary>Skips the members of each of <paramref name="rooms"/>. Same as Node's <c>except([…])</c>.</summary>
    public BroadcastOperator Except(params IEnumerable<string> rooms) => With(_options with { Except = [.. _options.Except, .. rooms] });

    /// <summary>Drops the event for clients that cannot take it right now. Same as Node's <c>volatile</c>.</summary>
    public BroadcastOperator Volatile => With(_options with { Volatile = true });

    /// <summary>Only this server's sockets, when an adapter links several servers. Same as Node's <c>local</c>.</summary>
    public BroadcastOperator Local => With(_options with { Local = true });

    /// <summary>Whether the event may be compressed where compression was negotiated. Same as Node's <c>compress(bool)</c>.</summary>
    public BroadcastOperator Compress(bool compress) => With(_options with { Compress = compress });

    /// <summary>How long <see cref="EmitWithAckAsync"/> waits for every recipient. Same as Node's <c>timeout(ms)</c>.</summary>
    public BroadcastOperator Timeout(TimeSpan timeout) => With(_options with { Timeout = timeout });

    /// <summary>Sends an event to every target socket. Same as Node's <c>emit</c>.</summary>
    /// <returns>A task that completes when the event is queued to every local target.</returns>
    public Task EmitAsync(string eventName, params object?[] args)
    {
        Socket.CheckEventName(eventName);
        return _namespace.Adapter.BroadcastAsync(new BroadcastPacket(_namespace, eventName, args), _options);
    }

    /// <summary>
    /// Sends an event that every target must acknowledge and returns their answers, in arrival order.
    /// Without <see cref="Timeout"/> it waits until each target answered or disconnected. Same as
    /// Node's <c>emitWithAck</c> on a broadcast.
    /// </summary>
    /// <exception cref="AcknowledgementTimeoutException">Some targets did not answer in time (or disconnected); the answers that came are in the exception.</exception>
    public async Task<IReadOnlyList<EventArguments>> EmitWithAckAsync(string eventName, params object?[] args)
    {
        Socket.CheckEventName(eventName);
        var collector = new BroadcastAckCollector();
        var packet = new BroadcastPacket(_namespace, eventName, args, _namespace.NextAckId());
        await _namespace.Adapter.BroadcastWithAckAsync(packet, _options, collector).ConfigureAwait(false);
        try
        {
            await (_options.Timeout is { } limit ? collector.Completion.WaitAsync(limit) : collector.Completion).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AcknowledgementTimeoutException("operation has timed out", collector.Responses);
        }

        if (collector.Failed > 0)
        {
            throw new AcknowledgementTimeoutException($"{collector.Failed} recipient(s) disconnected before answering", collector.Responses);
        }

        return collector.Responses;
    }

    /// <summary>The target sockets, on every server unless <see cref="Local"/>. Same as Node's <c>fetchSockets()</c>.</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => _namespace.Adapter.FetchSocketsAsync(_options);

    /// <summary>Makes the target sockets join <paramref name="rooms"/>. Same as Node's <c>socketsJoin</c>.</summary>
    public Task SocketsJoinAsync(params IEnumerable<string> rooms) => _namespace.Adapter.AddSocketsAsync(_options, [.. rooms]);

    /// <summary>Makes the target sockets leave <paramref name="rooms"/>. Same as Node's <c>socketsLeave</c>.</summary>
    public Task SocketsLeaveAsync(params IEnumerable<string> rooms) => _namespace.Adapter.RemoveSocketsAsync(_options, [.. rooms]);

    /// <summary>Disconnects the target sockets; with <paramref name="close"/>, their connections too. Same as Node's <c>disconnectSockets</c>.</summary>
    public Task DisconnectSocketsAsync(bool close = false) => _namespace.Adapter.DisconnectSocketsAsync(_options, close);

    private BroadcastOperator With(BroadcastOptions options) => new(_namespace, options);
}
