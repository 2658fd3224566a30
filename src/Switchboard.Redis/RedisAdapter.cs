using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Redis.Wire;
using Switchboard.SocketIO;
using Switchboard.SocketIO.Adapters;

namespace Switchboard.Redis;

/// <summary>
/// Scale-out over Redis pub/sub, wire-compatible with Node's @socket.io/redis-adapter 8.x: servers that share a Redis
/// (Switchboard or Node alike) see each other's sockets, broadcasts, rooms and server-side events. Rooms and delivery to
/// this server's sockets are the <see cref="InMemoryAdapter"/>'s; this class adds the other servers. Added with
/// <c>AddSocketIO().AddRedisAdapter(…)</c>; one instance per namespace.
/// </summary>
/// <remarks>
/// <para>What only tells the other servers (a broadcast, <c>SocketsJoin</c>, <c>SocketsLeave</c>,
/// <c>DisconnectSockets</c>, a server-side emit without acknowledgement) is published without waiting; while Redis is
/// unreachable it reaches this server's sockets only, and the loss is logged. What needs answers from the other servers
/// (<c>FetchSocketsAsync</c>, <c>AllRoomsAsync</c>, <c>ServerSideEmitWithAckAsync</c>) first asks Redis how many servers
/// there are (the request channel's <c>PUBSUB NUMSUB</c>), waits for that many answers at most
/// <see cref="RedisAdapterOptions.RequestsTimeout"/> (or the given timeout), and throws
/// <see cref="RedisAdapterException"/> at once while Redis is unreachable.</para>
/// <para>Acknowledgement answers from other servers carry one value each, the first argument the client (or server)
/// answered with, as Node's adapter sends them. Binary arguments travel at the top level of an event, as Switchboard
/// sends them to clients.</para>
/// </remarks>
public sealed class RedisAdapter : InMemoryAdapter
{
    // The broadcast pattern, the request channel, the common and the own response channel.
    private const int Channels = 4;

    private readonly RedisConnection _connection;
    private readonly RedisAdapterOptions _options;
    private readonly RedisChannels _channels;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BroadcastAckCollector> _ackRequests = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ChannelMessageQueue> _subscriptions = new();
    private readonly ConcurrentDictionary<string, SubscriptionProbe> _probes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed = new();
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal RedisAdapter(Namespace nsp, RedisConnection connection, RedisAdapterOptions options, ILogger logger)
        : base(nsp)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
        Uid = NewId();
        _channels = new RedisChannels(options.Key, nsp.Name, Uid);
        _connection.SubscriptionLost += OnSubscriptionLost;
        _connection.SubscriptionRestored += OnSubscriptionRestored;
        _ = SubscribeAsync();
    }

    /// <summary>This adapter's id on the channels, random per namespace and server start. Node's <c>adapter.uid</c>.</summary>
    public string Uid { get; }

    /// <summary>
    /// Completes once the adapter listens on its channels: when it has subscribed after it was created, and again,
    /// after Redis was unreachable, when a message it sent itself through Redis has come back on each of them. Other
    /// servers' broadcasts and requests meanwhile are missed, as with Node's adapter. While Redis is unreachable this
    /// is a pending task; a health check can await it.
    /// </summary>
    public Task Listening => Volatile.Read(ref _listening).Task;

    private JsonSerializerOptions Json => Namespace.Server.Options.JsonSerializerOptions;

    /// <inheritdoc/>
    public override Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);

        // A socket's own room is on this server only (connection state recovery sends single emits this way).
        var local = options.Local || (options.Rooms.Count == 1 && Namespace.Sockets.ContainsKey(options.Rooms[0]));
        if (!local)
        {
            Tell(_channels.Broadcast(options.Rooms), ClusterMessageWriter.Broadcast(Uid, packet, options, Namespace.Name, Json));
        }

        return base.BroadcastAsync(packet, options);
    }

    /// <inheritdoc/>
    public override async Task BroadcastWithAckAsync(BroadcastPacket packet, BroadcastOptions options, BroadcastAckCollector collector)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        if (!options.Local)
        {
            await AskOthersToBroadcastAsync(packet, options, collector).ConfigureAwait(false);
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

        var answers = await RequestAsync("fetchSockets", id => ClusterMessageWriter.FetchRequest(Uid, id, options), _options.RequestsTimeout, TimedOut)
            .ConfigureAwait(false);
        var sockets = new List<RemoteSocket>(local);
        foreach (var answer in answers)
        {
            if (answer.Get("sockets") is not { ValueKind: JsonValueKind.Array } list)
            {
                continue;
            }

            foreach (var socket in list.EnumerateArray())
            {
                if (ReadRemoteSocket(socket) is { } remote)
                {
                    sockets.Add(remote);
                }
            }
        }

        return sockets;
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlySet<string>> AllRoomsAsync()
    {
        var rooms = new HashSet<string>(await base.AllRoomsAsync().ConfigureAwait(false), StringComparer.Ordinal);
        var answers = await RequestAsync("allRooms", id => ClusterMessageWriter.AllRoomsRequest(Uid, id), _options.RequestsTimeout, TimedOut)
            .ConfigureAwait(false);
        foreach (var answer in answers)
        {
            if (ClusterMessage.TryReadRooms(answer.Get("rooms"), out var theirs))
            {
                rooms.UnionWith(theirs);
            }
        }

        return rooms;
    }

    /// <inheritdoc/>
    public override async Task AddSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        await base.AddSocketsAsync(options, rooms).ConfigureAwait(false);
        if (!options.Local)
        {
            Tell(_channels.Request, ClusterMessageWriter.RoomsRequest(Uid, RequestType.RemoteJoin, options, rooms));
        }
    }

    /// <inheritdoc/>
    public override async Task RemoveSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        await base.RemoveSocketsAsync(options, rooms).ConfigureAwait(false);
        if (!options.Local)
        {
            Tell(_channels.Request, ClusterMessageWriter.RoomsRequest(Uid, RequestType.RemoteLeave, options, rooms));
        }
    }

    /// <inheritdoc/>
    public override async Task DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        await base.DisconnectSocketsAsync(options, close).ConfigureAwait(false);
        if (!options.Local)
        {
            Tell(_channels.Request, ClusterMessageWriter.DisconnectRequest(Uid, options, close));
        }
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<EventArguments>> ServerSideEmitAsync(string eventName, IReadOnlyList<object?> args, TimeSpan? timeout)
    {
        if (timeout is not { } limit)
        {
            Tell(_channels.Request, ClusterMessageWriter.ServerSideEmitRequest(Uid, null, eventName, args, Json));
            return [];
        }

        var answers = await RequestAsync(
                "serverSideEmit",
                id => ClusterMessageWriter.ServerSideEmitRequest(Uid, id, eventName, args, Json),
                limit,
                request => new AcknowledgementTimeoutException(
                    $"timeout reached: only {request.Answers.Count} responses received out of {request.Expected}",
                    ServerSideAnswers(request.Answers)))
            .ConfigureAwait(false);
        return ServerSideAnswers(answers);
    }

    /// <summary>Stops listening on the channels. Node's <c>adapter.close()</c>.</summary>
    public override void Close()
    {
        _connection.SubscriptionLost -= OnSubscriptionLost;
        _connection.SubscriptionRestored -= OnSubscriptionRestored;
        _closed.Cancel();
        while (_subscriptions.TryDequeue(out var subscription))
        {
            _ = UnsubscribeAsync(subscription);
        }
    }

    private static string NewId() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6);

    private static TimeoutException TimedOut(string what, PendingRequest request, TimeSpan timeout) =>
        new($"timeout reached while waiting for {what} response: {request.Answers.Count} of {request.Expected} other servers answered within {timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms");

    private List<EventArguments> ServerSideAnswers(IReadOnlyList<ClusterMessage> answers)
    {
        var result = new List<EventArguments>(answers.Count);
        foreach (var answer in answers)
        {
            result.Add(answer.ReadAnswer("data", Json));
        }

        return result;
    }

    private RemoteSocket? ReadRemoteSocket(JsonElement socket)
    {
        if (socket.ValueKind != JsonValueKind.Object
            || !socket.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || !ClusterMessage.TryReadRooms(socket.TryGetProperty("rooms", out var rooms) ? rooms : null, out var roomList))
        {
            return null;
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (socket.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in values.EnumerateObject())
            {
                data[property.Name] = property.Value;
            }
        }

        var handshake = HandshakeJson.Read(socket.TryGetProperty("handshake", out var h) ? h : default);
        return new RemoteSocket(Namespace, id.GetString()!, handshake, new HashSet<string>(roomList, StringComparer.Ordinal), data);
    }

    // Node's broadcastWithAck: every other server delivers the event and reports its client count, then each answer.
    // The servers are counted first, so that no early report can complete the collection before they are expected.
    private async Task AskOthersToBroadcastAsync(BroadcastPacket packet, BroadcastOptions options, BroadcastAckCollector collector)
    {
        int others;
        try
        {
            others = await CountServersAsync("a broadcast with acknowledgements").ConfigureAwait(false) - 1;
        }
        catch (RedisAdapterException e)
        {
            RedisAdapterLog.BroadcastAckLocalOnly(_logger, Namespace.Name, e.Message);
            return;
        }

        if (others <= 0)
        {
            return;
        }

        var requestId = NewId();
        collector.ExpectServers(others);
        _ackRequests[requestId] = collector;
        _ = ForgetAckRequestAsync(requestId, collector, options.Timeout);
        try
        {
            await PublishAsync(_channels.Request, ClusterMessageWriter.BroadcastRequest(Uid, requestId, packet, options, Namespace.Name, Json), "a broadcast with acknowledgements")
                .ConfigureAwait(false);
        }
        catch (RedisAdapterException e)
        {
            // No other server got the event: none of them will report clients.
            RedisAdapterLog.BroadcastAckLocalOnly(_logger, Namespace.Name, e.Message);
            for (var i = 0; i < others; i++)
            {
                collector.AddClients(0);
            }
        }
    }

    // Late answers of a broadcast whose sender stopped waiting are dropped, as Node drops them after its timeout flag.
    private async Task ForgetAckRequestAsync(string requestId, BroadcastAckCollector collector, TimeSpan? timeout)
    {
        var done = collector.Completion;
        await (timeout is { } limit ? Task.WhenAny(done, Task.Delay(limit)) : done).ConfigureAwait(false);
        _ackRequests.TryRemove(requestId, out _);
    }

    // Sends a request and waits for an answer from each other server; no answers when this is the only server.
    private async Task<IReadOnlyList<ClusterMessage>> RequestAsync(
        string what, Func<string, byte[]> request, TimeSpan timeout, Func<string, PendingRequest, TimeSpan, Exception> timedOut)
    {
        var others = await CountServersAsync(what).ConfigureAwait(false) - 1;
        if (others <= 0)
        {
            return [];
        }

        var requestId = NewId();
        var pending = new PendingRequest(others);
        _requests[requestId] = pending;
        try
        {
            await PublishAsync(_channels.Request, request(requestId), what).ConfigureAwait(false);
            return await pending.Completion.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw timedOut(what, pending, timeout);
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    private Task<IReadOnlyList<ClusterMessage>> RequestAsync(
        string what, Func<string, byte[]> request, TimeSpan timeout, Func<PendingRequest, Exception> timedOut) =>
        RequestAsync(what, request, timeout, (_, pending, _) => timedOut(pending));

    // Every server with this namespace, this one included, subscribes to the request channel once.
    private async Task<int> CountServersAsync(string what)
    {
        var multiplexer = _connection.Connected ?? throw Unreachable(what, null);
        try
        {
            var result = await multiplexer.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _channels.Request).WaitAsync(_options.RequestsTimeout).ConfigureAwait(false);
            return result.Length == 2 ? (int)result[1] : throw new RedisAdapterException($"Unexpected answer to PUBSUB NUMSUB: {result}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw Unreachable(what, e);
        }
    }

    private async Task PublishAsync(RedisChannel channel, byte[] message, string what)
    {
        var multiplexer = _connection.Connected ?? throw Unreachable(what, null);
        try
        {
            await multiplexer.GetSubscriber().PublishAsync(channel, message).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            throw Unreachable(what, e);
        }
    }

    private RedisAdapterException Unreachable(string what, Exception? inner)
    {
        var message = $"{what} needs the other servers, but Redis at {_connection.Endpoint} is unreachable.";
        return inner is null ? new RedisAdapterException(message) : new RedisAdapterException(message, inner);
    }

    // Publishes without waiting; while Redis is unreachable the message is dropped. Messages told one after the
    // other leave in that order: StackExchange.Redis writes commands as they are issued.
    private void Tell(RedisChannel channel, byte[] message)
    {
        if (_connection.Connected is not { } multiplexer)
        {
            RedisAdapterLog.NotPublished(_logger, Namespace.Name, channel.ToString());
            return;
        }

        var published = multiplexer.GetSubscriber().PublishAsync(channel, message);
        if (!published.IsCompletedSuccessfully)
        {
            _ = ObservePublishAsync(published, channel);
        }
    }

    private async Task ObservePublishAsync(Task published, RedisChannel channel)
    {
        try
        {
            await published.ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            RedisAdapterLog.PublishFailed(_logger, Namespace.Name, channel.ToString(), e);
        }
    }

    private async Task SubscribeAsync()
    {
        var remaining = new List<(RedisChannel Channel, Func<ChannelMessage, Task> Handler)>
        {
            (_channels.BroadcastPattern, OnBroadcastAsync),
            (_channels.Request, OnRequestAsync),
            (_channels.Response, OnResponse),
            (_channels.OwnResponse, OnResponse),
        };
        while (true)
        {
            await _connection.WhenConnectedAsync().WaitAsync(_closed.Token).ConfigureAwait(false);
            try
            {
                while (remaining.Count > 0 && _connection.Connected is { } multiplexer)
                {
                    var (channel, handler) = remaining[0];
                    var queue = await multiplexer.GetSubscriber().SubscribeAsync(channel).ConfigureAwait(false);
                    queue.OnMessage(message => Handle(message, handler));
                    _subscriptions.Enqueue(queue);
                    remaining.RemoveAt(0);
                    if (_closed.IsCancellationRequested)
                    {
                        Close();
                        _closed.Token.ThrowIfCancellationRequested();
                    }
                }

                if (remaining.Count == 0)
                {
                    RedisAdapterLog.Subscribed(_logger, Namespace.Name, Uid);
                    Volatile.Read(ref _listening).TrySetResult();
                    return;
                }
            }
            catch (RedisException e)
            {
                RedisAdapterLog.SubscribeFailed(_logger, Namespace.Name, e.Message);
            }

            // Redis went away in between: try again once it is back, or in a second.
            await Task.WhenAny(_connection.WhenConnectedAsync(), Task.Delay(TimeSpan.FromSeconds(1), _closed.Token)).ConfigureAwait(false);
        }
    }

    private void OnSubscriptionLost()
    {
        var listening = Volatile.Read(ref _listening);
        if (listening.Task.IsCompleted
            && Interlocked.CompareExchange(ref _listening, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), listening) == listening)
        {
            RedisAdapterLog.NotListening(_logger, Namespace.Name);
        }
    }

    private void OnSubscriptionRestored() => _ = ConfirmListeningAsync();

    // Probes each channel, again every second until all come back: StackExchange.Redis may still be subscribing.
    // Before the first subscription completes there is nothing to confirm; SubscribeAsync completes Listening itself.
    private async Task ConfirmListeningAsync()
    {
        var listening = Volatile.Read(ref _listening);
        try
        {
            while (!listening.Task.IsCompleted && _subscriptions.Count == Channels)
            {
                await _connection.WhenConnectedAsync().WaitAsync(_closed.Token).ConfigureAwait(false);
                var probe = new SubscriptionProbe(NewId(), Channels);
                _probes[probe.Token] = probe;
                var message = ClusterMessageWriter.Probe(Uid, probe.Token);
                foreach (var channel in new[] { _channels.Probe, _channels.Request, _channels.Response, _channels.OwnResponse })
                {
                    Tell(channel, message);
                }

                try
                {
                    await probe.Confirmed.WaitAsync(TimeSpan.FromSeconds(1), _closed.Token).ConfigureAwait(false);
                    if (listening.TrySetResult())
                    {
                        RedisAdapterLog.ListeningAgain(_logger, Namespace.Name);
                    }
                }
                catch (TimeoutException)
                {
                }
                finally
                {
                    _probes.TryRemove(probe.Token, out _);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // A probe message of this adapter's, back through Redis on channel number `channel` (in the order probes are sent).
    private bool IsProbe(ClusterMessage message, int channel)
    {
        if (message.GetString("probe") is not { } token)
        {
            return false;
        }

        if (message.GetString("uid") == Uid && _probes.TryGetValue(token, out var probe))
        {
            probe.Arrived(channel);
        }

        return true;
    }

    private async Task UnsubscribeAsync(ChannelMessageQueue subscription)
    {
        try
        {
            await subscription.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // The connection is gone, and the subscription with it.
        }
    }

    // Each channel's messages are handled one at a time, in order; nothing a message does escapes to Redis's reader.
    private async Task Handle(ChannelMessage message, Func<ChannelMessage, Task> handler)
    {
        try
        {
            await handler(message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisAdapterLog.HandlerFailed(_logger, Namespace.Name, message.Channel.ToString(), e);
        }
    }

    private bool TryDecode(ChannelMessage message, out ClusterMessage decoded)
    {
        if (ClusterMessage.TryDecode(((ReadOnlyMemory<byte>)message.Message).Span, out decoded))
        {
            return true;
        }

        Ignore(message, "neither JSON nor msgpack");
        return false;
    }

    private void Ignore(ChannelMessage message, string reason) =>
        RedisAdapterLog.MessageIgnored(_logger, Namespace.Name, message.Channel.ToString(), reason);

    // [uid, {type, data, nsp}, {rooms, except, flags}] from another server's broadcast.
    private Task OnBroadcastAsync(ChannelMessage message)
    {
        if (!_channels.TryGetRoom(message.Channel.ToString(), out var room))
        {
            return Task.CompletedTask;
        }

        if (room == _channels.ProbeRoom)
        {
            if (TryDecode(message, out var probe))
            {
                IsProbe(probe, 0);
            }

            return Task.CompletedTask;
        }

        // A broadcast to one room this server has no member of is skipped before it is decoded, as Node skips it.
        if (room.Length > 0 && !HasRoom(room))
        {
            return Task.CompletedTask;
        }

        if (!TryDecode(message, out var decoded))
        {
            return Task.CompletedTask;
        }

        var root = decoded.Root;
        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != 3 || root[1].ValueKind != JsonValueKind.Object)
        {
            Ignore(message, "not a broadcast [uid, packet, opts]");
            return Task.CompletedTask;
        }

        if (root[0].ValueKind == JsonValueKind.String && root[0].GetString() == Uid)
        {
            return Task.CompletedTask;
        }

        var packet = root[1];
        var nsp = packet.TryGetProperty("nsp", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "/";
        if (nsp != Namespace.Name)
        {
            return Task.CompletedTask;
        }

        if (!TryReadEventPacket(decoded, packet, root[2], out var eventName, out var args, out var options))
        {
            Ignore(message, "a broadcast packet that is not an event with options");
            return Task.CompletedTask;
        }

        return base.BroadcastAsync(new BroadcastPacket(Namespace, eventName, args.ToArray()), options);
    }

    // {type: 2 (or 5), data: [event, ...args]} with {rooms, except, flags}.
    private bool TryReadEventPacket(ClusterMessage message, JsonElement packet, JsonElement? opts, out string eventName, out EventArguments args, out BroadcastOptions options)
    {
        options = BroadcastOptions.All;
        args = null!;
        eventName = "";
        return packet.ValueKind == JsonValueKind.Object
            && packet.TryGetProperty("type", out var type) && type.TryGetInt32(out var value) && value is 2 or 5
            && message.TryReadEvent(packet.TryGetProperty("data", out var data) ? data : null, Json, out eventName, out args)
            && ClusterMessage.TryReadOptions(opts, out options);
    }

    private async Task OnRequestAsync(ChannelMessage message)
    {
        if (!TryDecode(message, out var request) || IsProbe(request, 1))
        {
            return;
        }

        var uid = request.GetString("uid");
        if (uid == Uid)
        {
            // This server did its own part when it sent the request.
            return;
        }

        var requestId = request.GetString("requestId");
        var respondOn = _options.PublishOnSpecificResponseChannel && uid is not null ? _channels.ResponseOf(uid) : _channels.Response;
        var hasTargets = ClusterMessage.TryReadOptions(request.Get("opts"), out var targets);
        switch (request.Type)
        {
            case RequestType.Sockets when requestId is not null && ClusterMessage.TryReadRooms(request.Get("rooms"), out var rooms):
                var sockets = await base.FetchSocketsAsync(new BroadcastOptions(rooms, [])).ConfigureAwait(false);
                Tell(respondOn, ClusterMessageWriter.SocketIdsResponse(requestId, sockets.Select(s => s.Id)));
                break;
            case RequestType.AllRooms when requestId is not null:
                Tell(respondOn, ClusterMessageWriter.RoomsResponse(requestId, await base.AllRoomsAsync().ConfigureAwait(false)));
                break;
            case RequestType.RemoteJoin or RequestType.RemoteLeave when hasTargets && ClusterMessage.TryReadRooms(request.Get("rooms"), out var rooms):
                await (request.Type == RequestType.RemoteJoin ? base.AddSocketsAsync(targets, rooms) : base.RemoveSocketsAsync(targets, rooms)).ConfigureAwait(false);
                break;
            case RequestType.RemoteDisconnect when hasTargets:
                await base.DisconnectSocketsAsync(targets, request.Get("close")?.ValueKind == JsonValueKind.True).ConfigureAwait(false);
                break;
            case RequestType.RemoteJoin or RequestType.RemoteLeave or RequestType.RemoteDisconnect when request.GetString("sid") is { } sid:
                OnSingleSocketRequest(request, sid, requestId, respondOn);
                break;
            case RequestType.RemoteFetch when requestId is not null && hasTargets:
                var fetched = await base.FetchSocketsAsync(targets).ConfigureAwait(false);
                Tell(respondOn, ClusterMessageWriter.FetchResponse(requestId, fetched, Json));
                break;
            case RequestType.ServerSideEmit when request.TryReadEvent(request.Get("data"), Json, out var eventName, out var args):
                // Answers go to the common response channel whatever the options say, as in Node's adapter.
                Action<object?[]>? reply = requestId is null
                    ? null
                    : answer => Tell(_channels.Response, ClusterMessageWriter.ServerSideEmitResponse(requestId, answer, Json));
                _ = Namespace.OnServerSideEmitReceivedAsync(eventName, args, reply);
                break;
            case RequestType.Broadcast when requestId is not null && TryReadEventPacket(request, request.Get("packet") ?? default, request.Get("opts"), out var eventName, out var args, out var options):
                var relay = new BroadcastAckCollector(
                    count => Tell(respondOn, ClusterMessageWriter.ClientCountResponse(requestId, count)),
                    answer => Tell(respondOn, ClusterMessageWriter.BroadcastAck(requestId, answer, Json)));
                await base.BroadcastWithAckAsync(new BroadcastPacket(Namespace, eventName, args.ToArray(), Namespace.NextAckId()), options, relay).ConfigureAwait(false);
                break;
            default:
                Ignore(message, $"a request of type {request.Type?.ToString() ?? "?"} without the members it needs");
                break;
        }
    }

    // Older adapters' form, {sid, room}, answered with {requestId}.
    private void OnSingleSocketRequest(ClusterMessage request, string sid, string? requestId, RedisChannel respondOn)
    {
        if (!Namespace.Sockets.TryGetValue(sid, out var socket))
        {
            return;
        }

        var room = request.GetString("room");
        switch (request.Type)
        {
            case RequestType.RemoteJoin when room is not null:
                socket.Join(room);
                break;
            case RequestType.RemoteLeave when room is not null:
                socket.Leave(room);
                break;
            case RequestType.RemoteDisconnect:
                socket.Disconnect(request.Get("close")?.ValueKind == JsonValueKind.True);
                break;
            default:
                return;
        }

        if (requestId is not null)
        {
            Tell(respondOn, ClusterMessageWriter.DoneResponse(requestId));
        }
    }

    private Task OnResponse(ChannelMessage message)
    {
        if (!TryDecode(message, out var response) || IsProbe(response, message.SubscriptionChannel == _channels.OwnResponse ? 3 : 2)
            || response.GetString("requestId") is not { } requestId)
        {
            return Task.CompletedTask;
        }

        if (_ackRequests.TryGetValue(requestId, out var collector))
        {
            switch (response.Type)
            {
                case RequestType.BroadcastClientCount when response.Get("clientCount") is { } count && count.TryGetInt32(out var clients) && clients >= 0:
                    collector.AddClients(clients);
                    break;
                case RequestType.BroadcastAck:
                    collector.Respond(response.ReadAnswer("packet", Json));
                    break;
                default:
                    Ignore(message, "an answer to a broadcast that is neither a client count nor an acknowledgement");
                    break;
            }
        }
        else if (_requests.TryGetValue(requestId, out var pending))
        {
            pending.Add(response);
        }

        return Task.CompletedTask;
    }
}
