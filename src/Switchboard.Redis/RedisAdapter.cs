using System.Globalization;
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
/// <see cref="RedisAdapterException"/> at once while Redis is unreachable. A broadcast with acknowledgements reaches
/// this server's clients only then, which is logged.</para>
/// <para>Acknowledgement answers from other servers carry one value each, the first argument the client (or server)
/// answered with, as Node's adapter sends them. Binary arguments travel at the top level of an event, as Switchboard
/// sends them to clients.</para>
/// </remarks>
public sealed class RedisAdapter : InMemoryAdapter
{
    // The numbers of the channels in the subscription, as its probes report them.
    private const int Broadcasts = 0;
    private const int Requests = 1;
    private const int Responses = 2;
    private const int OwnResponses = 3;

    private readonly RedisAdapterOptions _options;
    private readonly RedisChannels _channels;
    private readonly ILogger _logger;
    private readonly RedisPublisher _publisher;
    private readonly OutstandingRequests _requests;
    private readonly AdapterSubscription _subscription;

    internal RedisAdapter(Namespace nsp, RedisConnection connection, RedisAdapterOptions options, ILogger logger)
        : base(nsp)
    {
        _options = options;
        _logger = logger;
        Uid = ClusterId.New();
        _channels = new RedisChannels(options.Key, nsp.Name, Uid);
        _publisher = new RedisPublisher(connection, _channels.Request, logger, nsp.Name, options.RequestsTimeout);
        _requests = new OutstandingRequests(_publisher, _channels.Request, ClusterId.New, logger, nsp.Name);
        _subscription = new AdapterSubscription(
            connection,
            _publisher,
            Uid,
            nsp.Name,
            logger,
            [
                new(_channels.BroadcastPattern, _channels.Probe, OnBroadcastAsync),
                new(_channels.Request, _channels.Request, OnRequestAsync),
                new(_channels.Response, _channels.Response, OnResponse),
                new(_channels.OwnResponse, _channels.OwnResponse, OnResponse),
            ],
            token => ClusterMessageWriter.Probe(Uid, token));
    }

    /// <summary>This adapter's id on the channels, random per namespace and server start. Node's <c>adapter.uid</c>.</summary>
    public string Uid { get; }

    /// <summary>
    /// Completes once the adapter listens on its channels: when it has subscribed after it was created, and again,
    /// after Redis was unreachable, when a message it sent itself through Redis has come back on each of them. Other
    /// servers' broadcasts and requests meanwhile are missed, as with Node's adapter. While Redis is unreachable this
    /// is a pending task; a health check can await it.
    /// </summary>
    public Task Listening => _subscription.Listening;

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
            _publisher.Tell(_channels.Broadcast(options.Rooms), ClusterMessageWriter.Broadcast(Uid, packet, options, Namespace.Name, Json));
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
            await _requests.AskToBroadcastAsync(
                    requestId => ClusterMessageWriter.BroadcastRequest(Uid, requestId, packet, options, Namespace.Name, Json), collector, options.Timeout)
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

        var answers = await _requests.AskAsync("fetchSockets", id => ClusterMessageWriter.FetchRequest(Uid, id, options), _options.RequestsTimeout, TimedOut("fetchSockets"))
            .ConfigureAwait(false);
        var sockets = new List<RemoteSocket>(local);
        foreach (var answer in answers)
        {
            RemoteSocketJson.ReadArray(Namespace, answer.Get("sockets"), sockets);
        }

        return sockets;
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlySet<string>> AllRoomsAsync()
    {
        var rooms = new HashSet<string>(await base.AllRoomsAsync().ConfigureAwait(false), StringComparer.Ordinal);
        var answers = await _requests.AskAsync("allRooms", id => ClusterMessageWriter.AllRoomsRequest(Uid, id), _options.RequestsTimeout, TimedOut("allRooms"))
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
            _publisher.Tell(_channels.Request, ClusterMessageWriter.RoomsRequest(Uid, RequestType.RemoteJoin, options, rooms));
        }
    }

    /// <inheritdoc/>
    public override async Task RemoveSocketsAsync(BroadcastOptions options, IReadOnlyList<string> rooms)
    {
        await base.RemoveSocketsAsync(options, rooms).ConfigureAwait(false);
        if (!options.Local)
        {
            _publisher.Tell(_channels.Request, ClusterMessageWriter.RoomsRequest(Uid, RequestType.RemoteLeave, options, rooms));
        }
    }

    /// <inheritdoc/>
    public override async Task DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        await base.DisconnectSocketsAsync(options, close).ConfigureAwait(false);
        if (!options.Local)
        {
            _publisher.Tell(_channels.Request, ClusterMessageWriter.DisconnectRequest(Uid, options, close));
        }
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<EventArguments>> ServerSideEmitAsync(string eventName, IReadOnlyList<object?> args, TimeSpan? timeout)
    {
        if (timeout is not { } limit)
        {
            _publisher.Tell(_channels.Request, ClusterMessageWriter.ServerSideEmitRequest(Uid, null, eventName, args, Json));
            return [];
        }

        return await _requests.AskServerSideEmitAsync(id => ClusterMessageWriter.ServerSideEmitRequest(Uid, id, eventName, args, Json), limit, answer => answer.ReadAnswer("data", Json)).ConfigureAwait(false);
    }

    /// <summary>Stops listening on the channels. Node's <c>adapter.close()</c>.</summary>
    public override void Close() => _subscription.Close();

    private Func<PendingRequest, Exception> TimedOut(string what) => request => new TimeoutException(
        $"timeout reached while waiting for {what} response: {request.Answers.Count} of {request.Expected} other servers answered " +
        $"within {_options.RequestsTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms");

    // A probe, this adapter's or another's (see AdapterSubscription): this adapter's confirm that it listens on the channel.
    private bool IsProbe(ClusterMessage message, int channel)
    {
        if (message.GetString("probe") is not { } token)
        {
            return false;
        }

        if (message.GetString("uid") == Uid)
        {
            _subscription.ProbeArrived(channel, token);
        }

        return true;
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
                IsProbe(probe, Broadcasts);
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
        if (!TryDecode(message, out var request) || IsProbe(request, Requests))
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
                _publisher.Tell(respondOn, ClusterMessageWriter.SocketIdsResponse(requestId, sockets.Select(s => s.Id)));
                break;
            case RequestType.AllRooms when requestId is not null:
                _publisher.Tell(respondOn, ClusterMessageWriter.RoomsResponse(requestId, await base.AllRoomsAsync().ConfigureAwait(false)));
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
                _publisher.Tell(respondOn, ClusterMessageWriter.FetchResponse(requestId, fetched, Json));
                break;
            case RequestType.ServerSideEmit when request.TryReadEvent(request.Get("data"), Json, out var eventName, out var args):
                // Answers go to the common response channel whatever the options say, as in Node's adapter.
                Action<object?[]>? reply = requestId is null
                    ? null
                    : answer => _publisher.Tell(_channels.Response, ClusterMessageWriter.ServerSideEmitResponse(requestId, answer, Json));
                _ = Namespace.OnServerSideEmitReceivedAsync(eventName, args, reply);
                break;
            case RequestType.Broadcast when requestId is not null && TryReadEventPacket(request, request.Get("packet") ?? default, request.Get("opts"), out var eventName, out var args, out var options):
                var relay = new BroadcastAckCollector(
                    count => _publisher.Tell(respondOn, ClusterMessageWriter.ClientCountResponse(requestId, count)),
                    answer => _publisher.Tell(respondOn, ClusterMessageWriter.BroadcastAck(requestId, answer, Json)));
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
            _publisher.Tell(respondOn, ClusterMessageWriter.DoneResponse(requestId));
        }
    }

    private Task OnResponse(ChannelMessage message)
    {
        var channel = message.SubscriptionChannel == _channels.OwnResponse ? OwnResponses : Responses;
        if (!TryDecode(message, out var response) || IsProbe(response, channel) || response.GetString("requestId") is not { } requestId)
        {
            return Task.CompletedTask;
        }

        switch (response.Type)
        {
            case RequestType.BroadcastClientCount when response.Get("clientCount") is { } count && count.TryGetInt32(out var clients) && clients >= 0:
                _requests.CountClients(requestId, clients);
                break;
            case RequestType.BroadcastAck:
                _requests.Acknowledge(requestId, response.ReadAnswer("packet", Json));
                break;
            default:
                if (!_requests.Answer(requestId, response))
                {
                    Ignore(message, "an answer to a broadcast that is neither a client count nor an acknowledgement");
                }

                break;
        }

        return Task.CompletedTask;
    }
}
