using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.EngineIO.Packets;
using Switchboard.Redis.Wire;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;

namespace Switchboard.Redis;

/// <summary>
/// Scale-out over Redis Streams, wire-compatible with Node's @socket.io/redis-streams-adapter 0.3: broadcasts and room
/// changes go through a Redis stream, requests that want answers (<c>FetchSocketsAsync</c>, server-side emits, broadcasts
/// with acknowledgements) and their answers through pub/sub channels, and the stream's entry ids are connection state
/// recovery's offsets. Sessions are kept in Redis, so a client whose server is gone — even killed — recovers at
/// another server, and gets every event it missed once, in order. Added with <c>AddSocketIO().AddRedisStreamsAdapter(…)</c>;
/// one instance per namespace.
/// </summary>
/// <remarks>
/// <para>A broadcast reaches this server's sockets, too, when this server reads it back from the stream: every server
/// delivers the stream's events in the stream's order, and <c>BroadcastAsync</c> completes once this server's sockets
/// have it. While Redis is unreachable a broadcast reaches this server's sockets at once, without an offset, and the
/// other servers not at all; requests to the other servers fail at once with a <see cref="RedisAdapterException"/>.</para>
/// <para>As with Node's adapter, <c>AllRoomsAsync</c> lists this server's rooms only: the protocol has no such request.</para>
/// </remarks>
public sealed class RedisStreamsAdapter : InMemoryAdapter
{
    // The numbers of the channels in the subscription, as its probes report them.
    private const int PublicChannel = 0;
    private const int OwnChannel = 1;

    private readonly RedisStreamsAdapterOptions _options;
    private readonly StreamsChannels _channels;
    private readonly string _stream;
    private readonly ILogger _logger;
    private readonly RedisPublisher _publisher;
    private readonly OutstandingRequests _requests;
    private readonly AdapterSubscription _subscription;
    private readonly RedisStreamReader _reader;
    private readonly RedisSessionStore? _sessions;

    internal RedisStreamsAdapter(Namespace nsp, RedisConnection connection, RedisStreamReader reader, RedisStreamsAdapterOptions options, ILogger logger)
        : base(nsp, keepsRecoveryState: false)
    {
        _options = options;
        _logger = logger;
        _reader = reader;
        Uid = ClusterId.NewHex();
        _channels = new StreamsChannels(options, nsp.Name, Uid);
        _stream = _channels.Stream.ToString();
        _publisher = new RedisPublisher(connection, _channels.Public, logger, nsp.Name, options.RequestsTimeout);
        _requests = new OutstandingRequests(_publisher, _channels.Public, ClusterId.NewHex, logger, nsp.Name);
        if (nsp.Server.Options.ConnectionStateRecovery is { } recovery)
        {
            _sessions = new RedisSessionStore(connection, _channels, nsp, recovery, logger);
        }

        reader.Register(this);
        _subscription = new AdapterSubscription(
            connection,
            _publisher,
            Uid,
            nsp.Name,
            logger,
            [new(_channels.Public, _channels.Public, OnPublicMessage), new(_channels.Own, _channels.Own, OnOwnMessage)],
            token => StreamsMessageWriter.Probe(Uid, token));
    }

    /// <summary>This adapter's id in messages and in its own channel's name, random per namespace and server start. Node's <c>adapter.uid</c>.</summary>
    public string Uid { get; }

    /// <summary>
    /// Completes once the adapter listens on its channels and reads the stream: after it was created, and again, after
    /// Redis was unreachable, when a message it sent itself has come back on each channel. While Redis is unreachable
    /// this is a pending task; a health check can await it.
    /// </summary>
    public Task Listening => Task.WhenAll(_subscription.Listening, _reader.Started);

    /// <inheritdoc/>
    /// <remarks>The id of the last stream entry this server has read, or null before it started reading or with recovery off.</remarks>
    public override string? CurrentOffset => _sessions is not null ? _reader.PositionOf(_stream)?.ToString() : null;

    private JsonSerializerOptions Json => Namespace.Server.Options.JsonSerializerOptions;

    /// <inheritdoc/>
    public override void Add(string socketId, string room)
    {
        base.Add(socketId, room);
        _sessions?.Track(socketId);
    }

    /// <inheritdoc/>
    public override void Remove(string socketId, string room)
    {
        base.Remove(socketId, room);
        _sessions?.Track(socketId);
    }

    /// <inheritdoc/>
    public override void RemoveAll(string socketId)
    {
        base.RemoveAll(socketId);
        _sessions?.Forget(socketId);
    }

    /// <inheritdoc/>
    public override async Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Local
            && await AppendAsync(StreamsMessageWriter.Broadcast(Uid, Namespace.Name, packet, options, Json, _options.OnlyPlaintext), "a broadcast reaches this server's sockets only").ConfigureAwait(false) is { } offset)
        {
            // This server's sockets get it from the stream, in the stream's order.
            await _reader.WhenReadAsync(_stream, offset).ConfigureAwait(false);
            return;
        }

        await base.BroadcastAsync(packet, options).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, BroadcastAckCollector collector)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        if (!options.Local)
        {
            await _requests.AskToBroadcastAsync(
                    requestId => StreamsMessageWriter.BroadcastWithAck(Uid, Namespace.Name, requestId, packet, options, Json), collector, options.Timeout)
                .ConfigureAwait(false);
        }

        await base.BroadcastWithAckAsync(packet, options, collector).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var local = await base.FetchSocketsAsync(options).ConfigureAwait(false);
        if (options.Local)
        {
            return local;
        }

        var timeout = options.Timeout ?? _options.RequestsTimeout;
        var answers = await _requests.AskAsync(
                "fetchSockets",
                id => StreamsMessageWriter.FetchSockets(Uid, Namespace.Name, id, options),
                timeout,
                request => new TimeoutException($"timeout reached: only {request.Answers.Count} responses received out of {request.Expected}"))
            .ConfigureAwait(false);
        var sockets = new List<RemoteSocket>(local);
        foreach (var answer in answers)
        {
            RemoteSocketJson.ReadArray(Namespace, ClusterMessage.Member(answer.Get("data") ?? default, "sockets"), sockets);
        }

        return sockets;
    }

    /// <inheritdoc/>
    public override async Task AddSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Local)
        {
            await AppendAsync(StreamsMessageWriter.Rooms(Uid, Namespace.Name, ClusterAdapterMessageType.SocketsJoin, options, rooms), "the other servers' sockets do not join").ConfigureAwait(false);
        }

        await base.AddSocketsAsync(options, rooms).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task RemoveSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Local)
        {
            await AppendAsync(StreamsMessageWriter.Rooms(Uid, Namespace.Name, ClusterAdapterMessageType.SocketsLeave, options, rooms), "the other servers' sockets do not leave").ConfigureAwait(false);
        }

        await base.RemoveSocketsAsync(options, rooms).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Local)
        {
            await AppendAsync(StreamsMessageWriter.DisconnectSockets(Uid, Namespace.Name, options, close), "the other servers' sockets stay connected").ConfigureAwait(false);
        }

        await base.DisconnectSocketsAsync(options, close).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<EventArguments>> ServerSideEmitAsync(string eventName, IReadOnlyList<object?> args, TimeSpan? timeout)
    {
        if (timeout is not { } limit)
        {
            _publisher.Tell(_channels.Public, StreamsMessageWriter.ServerSideEmit(Uid, Namespace.Name, null, eventName, args, Json));
            return [];
        }

        return await _requests.AskServerSideEmitAsync(id => StreamsMessageWriter.ServerSideEmit(Uid, Namespace.Name, id, eventName, args, Json), limit, answer => answer.ReadValue(ClusterMessage.Member(answer.Get("data") ?? default, "packet"), Json)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void PersistSession(PersistedSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions?.Persist(session);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As Node's <c>restoreSession</c>: the session is taken out of Redis, the offset must still be in the stream, and
    /// the events since it are read from the stream (<c>XRANGE</c>) and filtered by the session's rooms. Volatile
    /// events, which carry no offset, are not replayed. A failure is logged and gives a fresh session.
    /// </remarks>
    public override async Task<bool> TryRestoreSessionAsync(string pid, string? offset, Action<RecoveredSession> attach)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(attach);
        if (_sessions is null)
        {
            return false;
        }

        try
        {
            var reason = await RestoreAsync(pid, offset, attach).ConfigureAwait(false);
            if (reason is null)
            {
                return true;
            }

            RedisAdapterLog.SessionNotRestored(_logger, Namespace.Name, pid, reason);
        }
        catch (Exception e) when (e is RedisException or RedisAdapterException or TimeoutException)
        {
            RedisAdapterLog.SessionNotRestored(_logger, Namespace.Name, pid, e.Message);
        }

        return false;
    }

    /// <summary>Stops listening on the channels and reading the stream. Node's <c>adapter.close()</c>.</summary>
    public override void Close()
    {
        _subscription.Close();
        _reader.Unregister(this);
        _sessions?.Dispose();
    }

    /// <summary>Handles an entry of this namespace's stream; called by the reader, in stream order, under its lock.</summary>
    internal void OnStreamEntry(string stream, StreamOffset offset, NameValueEntry[] fields)
    {
        try
        {
            if (StreamsMessage.TryReadEntry(fields, out var message))
            {
                OnMessage(message, offset);
            }
            else
            {
                RedisAdapterLog.MessageIgnored(_logger, Namespace.Name, stream, "a stream entry without a type or with data that is neither JSON nor base64 msgpack");
            }
        }
        catch (Exception e)
        {
            RedisAdapterLog.HandlerFailed(_logger, Namespace.Name, stream, e);
        }
    }

    // XADD; null (logged) when Redis is unreachable.
    private async Task<StreamOffset?> AppendAsync(NameValueEntry[] entry, string consequence)
    {
        if (_publisher.Connection.Connected is not { } multiplexer)
        {
            RedisAdapterLog.NotPublished(_logger, Namespace.Name, _stream);
            return null;
        }

        try
        {
            var id = await multiplexer.GetDatabase().StreamAddAsync(_channels.Stream, entry, maxLength: _options.MaxLen, useApproximateMaxLength: true).ConfigureAwait(false);
            return StreamOffset.TryParse(id, out var offset) ? offset : null;
        }
        catch (RedisException e)
        {
            RedisAdapterLog.WriteFailed(_logger, Namespace.Name, consequence, e);
            return null;
        }
    }

    private async Task<string?> RestoreAsync(string pid, string? offset, Action<RecoveredSession> attach)
    {
        if (offset is not null && !StreamOffset.TryParse(offset, out _))
        {
            return "the offset is not a stream entry id";
        }

        await _reader.Started.WaitAsync(_options.RequestsTimeout).ConfigureAwait(false);
        if (await _sessions!.ClaimAsync(pid).ConfigureAwait(false) is not { } session)
        {
            return "no such session in Redis (expired, or restored already)";
        }

        if (!StreamOffset.TryParse(offset ?? session.ConnectOffset, out var from))
        {
            return "no offset";
        }

        var database = _publisher.Connection.Connected?.GetDatabase() ?? throw _publisher.Unreachable("Restoring a session", null);
        var first = await database.StreamRangeAsync(_channels.Stream, from.ToString(), from.ToString()).ConfigureAwait(false);
        if (first.Length == 0)
        {
            return "the offset is no longer in the stream";
        }

        var missed = new List<(StreamOffset Offset, EnginePacket[] Frames)>();
        var readUpTo = from;
        while (true)
        {
            var entries = await database.StreamRangeAsync(_channels.Stream, readUpTo.Next().ToString(), "+", _options.ReadCount * 10).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                if (!StreamOffset.TryParse(entry.Id, out var id))
                {
                    continue;
                }

                if (Missed(entry.Values, id, session) is { } frames)
                {
                    missed.Add((id, frames));
                }

                readUpTo = id;
            }

            if (entries.Length > 0)
            {
                continue;
            }

            // Read to the end: the reader hands on what came after, unless it is already past (then read on).
            var attached = _reader.TryAttach(_stream, readUpTo, position =>
            {
                var replay = new List<EnginePacket[]>(missed.Count);
                foreach (var (id, frames) in missed)
                {
                    if (id <= position)
                    {
                        replay.Add(frames);
                    }
                }

                attach(new RecoveredSession(session, replay));
                RedisAdapterLog.SessionRestored(_logger, Namespace.Name, pid, replay.Count);
            });
            if (attached)
            {
                return null;
            }
        }
    }

    // An event of this namespace that reached the session's rooms, encoded with its offset; null for any other entry.
    private EnginePacket[]? Missed(NameValueEntry[] fields, StreamOffset offset, PersistedSession session)
    {
        if (StreamsMessage.NamespaceOf(fields) != Namespace.Name
            || !StreamsMessage.TryReadEntry(fields, out var message)
            || message.Type != ClusterAdapterMessageType.Broadcast
            || message.RequestId is not null
            || !TryReadBroadcast(message, out var eventName, out var args, out var options)
            || options.Volatile
            || !Reaches(options, session.Rooms))
        {
            return null;
        }

        return new BroadcastPacket(Namespace, eventName, [.. args.ToArray(), offset.ToString()]).Encode(options);
    }

    private bool TryReadBroadcast(StreamsMessage message, out string eventName, out EventArguments args, out BroadcastOptions options)
    {
        eventName = "";
        args = null!;
        options = BroadcastOptions.All;
        return message.Get("packet") is { ValueKind: JsonValueKind.Object } packet
            && packet.TryGetProperty("data", out var data)
            && message.Body.TryReadEvent(data, Json, out eventName, out args)
            && ClusterMessage.TryReadOptions(message.Get("opts"), out options);
    }

    private Task OnPublicMessage(ChannelMessage message) => OnPublished(message, PublicChannel);

    private Task OnOwnMessage(ChannelMessage message) => OnPublished(message, OwnChannel);

    private Task OnPublished(ChannelMessage message, int channel)
    {
        if (!StreamsMessage.TryReadPublished(((ReadOnlyMemory<byte>)message.Message).Span, out var decoded))
        {
            RedisAdapterLog.MessageIgnored(_logger, Namespace.Name, message.Channel.ToString(), "not msgpack");
            return Task.CompletedTask;
        }

        if (decoded.Body.GetString("probe") is { } token)
        {
            if (decoded.Uid == Uid)
            {
                _subscription.ProbeArrived(channel, token);
            }

            return Task.CompletedTask;
        }

        OnMessage(decoded, null);
        return Task.CompletedTask;
    }

    // Node's ClusterAdapter.onMessage: a message from the stream (with its offset) or from a channel.
    private void OnMessage(StreamsMessage message, StreamOffset? offset)
    {
        if (message.Nsp != Namespace.Name)
        {
            return;
        }

        // This server's own broadcasts reach its sockets from the stream; everything else of its own it did when sending.
        if (message.Uid == Uid && !(offset is not null && message.Type == ClusterAdapterMessageType.Broadcast))
        {
            return;
        }

        var hasTargets = ClusterMessage.TryReadOptions(message.Get("opts"), out var targets);
        var requestId = message.RequestId;
        switch (message.Type)
        {
            case ClusterAdapterMessageType.Broadcast when requestId is null && TryReadBroadcast(message, out var eventName, out var args, out var options):
                var kept = _sessions is not null && !options.Volatile ? offset : null;
                var packet = new BroadcastPacket(Namespace, eventName, kept is { } id ? [.. args.ToArray(), id.ToString()] : args.ToArray());
                _ = base.BroadcastAsync(packet, options);
                break;
            case ClusterAdapterMessageType.Broadcast when requestId is not null && message.Uid is { } asker && TryReadBroadcast(message, out var eventName, out var args, out var options):
                var answerOn = _channels.PrivateOf(asker);
                var relay = new BroadcastAckCollector(
                    count => _publisher.Tell(answerOn, StreamsMessageWriter.BroadcastClientCount(Uid, Namespace.Name, requestId, count)),
                    answer => _publisher.Tell(answerOn, StreamsMessageWriter.Answer(Uid, Namespace.Name, ClusterAdapterMessageType.BroadcastAck, requestId, answer.ToArray(), Json)));
                _ = base.BroadcastWithAckAsync(new BroadcastPacket(Namespace, eventName, args.ToArray(), Namespace.NextAckId()), options, relay);
                break;
            case ClusterAdapterMessageType.SocketsJoin or ClusterAdapterMessageType.SocketsLeave when hasTargets && ClusterMessage.TryReadRooms(message.Get("rooms"), out var rooms):
                _ = message.Type == ClusterAdapterMessageType.SocketsJoin ? base.AddSocketsAsync(targets, rooms) : base.RemoveSocketsAsync(targets, rooms);
                break;
            case ClusterAdapterMessageType.DisconnectSockets when hasTargets:
                _ = base.DisconnectSocketsAsync(targets, message.Get("close")?.ValueKind == JsonValueKind.True);
                break;
            case ClusterAdapterMessageType.FetchSockets when requestId is not null && hasTargets && message.Uid is { } asker:
                _ = AnswerFetchAsync(asker, requestId, targets);
                break;
            case ClusterAdapterMessageType.ServerSideEmit when message.Body.TryReadEvent(message.Get("packet"), Json, out var eventName, out var args):
                Action<object?[]>? reply = requestId is null || message.Uid is not { } sender
                    ? null
                    : answer => _publisher.Tell(_channels.PrivateOf(sender), StreamsMessageWriter.Answer(Uid, Namespace.Name, ClusterAdapterMessageType.ServerSideEmitResponse, requestId, answer, Json));
                _ = Namespace.OnServerSideEmitReceivedAsync(eventName, args, reply);
                break;
            case ClusterAdapterMessageType.FetchSocketsResponse or ClusterAdapterMessageType.ServerSideEmitResponse when requestId is not null:
                _requests.Answer(requestId, message.Body);
                break;
            case ClusterAdapterMessageType.BroadcastClientCount when requestId is not null && message.Get("clientCount") is { } count && count.TryGetInt32(out var clients) && clients >= 0:
                _requests.CountClients(requestId, clients);
                break;
            case ClusterAdapterMessageType.BroadcastAck when requestId is not null:
                _requests.Acknowledge(requestId, message.Body.ReadValue(message.Get("packet"), Json));
                break;
            default:
                RedisAdapterLog.MessageIgnored(_logger, Namespace.Name, offset is null ? _channels.Public.ToString() : _stream, $"a message of type {(int)message.Type} without the members it needs");
                break;
        }
    }

    private async Task AnswerFetchAsync(string asker, string requestId, BroadcastOptions targets)
    {
        var sockets = await base.FetchSocketsAsync(targets).ConfigureAwait(false);
        _publisher.Tell(_channels.PrivateOf(asker), StreamsMessageWriter.FetchSocketsResponse(Uid, Namespace.Name, requestId, sockets, Json));
    }
}
