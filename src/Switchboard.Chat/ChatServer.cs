using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Switchboard.Redis;
using Switchboard.SocketIO;
using Switchboard.WebSockets;

namespace Switchboard.Chat;

/// <summary>
/// The chat over Socket.IO: nicknames checked by middleware, rooms with history and presence,
/// delivery acknowledgements, a volatile typing indicator. Plain WebSocket clients (the
/// <see cref="Chat"/> component) take part in the default room through <see cref="PostAsync"/>.
/// </summary>
/// <remarks>
/// Events from the page: <c>message</c> (text, or <c>{ room, text }</c>; acknowledged with the stored message),
/// <c>join</c> and <c>leave</c> (a room name; <c>join</c> is acknowledged with <c>{ room, history, members }</c>),
/// <c>typing</c> (<c>{ room, typing }</c>). Events to the page: <c>welcome</c> (<c>{ nick, joined }</c>, the default room as <c>join</c> answers it), <c>message</c>, <c>joined</c>,
/// <c>left</c>, <c>members</c>, <c>typing</c>, <c>notice</c>.
/// </remarks>
public sealed partial class ChatServer(
    SocketIOServer io, IChatHistory history, INicknames nicknames, IOptions<ChatOptions> options, ILogger<ChatServer> logger)
{
    private const string NicknameKey = "nick";
    // A default-room line for the plain WebSocket clients of the other servers of a cluster.
    private const string WebSocketLineEvent = "chat:websocket-line";
    private readonly ChatOptions _options = options.Value;

    /// <summary>
    /// This server's plain WebSocket clients, who see the default room's messages as <c>nick: text</c>, those posted on
    /// the other servers of a cluster too.
    /// </summary>
    public ConnectionSet WebSocketClients { get; } = new();

    /// <summary>Installs the middleware and handlers on the main namespace.</summary>
    public void Start()
    {
        io.Use(CheckNickname);
        io.OnConnection(OnConnectionAsync);
        io.OnServerSideEmit(WebSocketLineEvent, (string line) => { WebSocketClients.Broadcast(line); });
        if (io.Sockets.Adapter is RedisAdapter cluster)
        {
            _ = LogWhenListeningAsync(cluster);
        }
    }

    // The line that tells an operator (and the cluster script) that this server hears the others.
    private async Task LogWhenListeningAsync(RedisAdapter cluster)
    {
        await cluster.Listening.ConfigureAwait(false);
        LogInCluster();
    }

    /// <summary>Tells every client that the server is going away, before it closes their connections.</summary>
    public Task AnnounceShutdownAsync() => io.EmitAsync("notice", new { text = "The server is shutting down" });

    /// <summary>
    /// Posts a message to a room: keeps it in the history, sends it to the room's Socket.IO clients
    /// (except <paramref name="sender"/>) and, for the default room, to the plain WebSocket clients of every server
    /// (except <paramref name="origin"/>).
    /// </summary>
    public async Task<ChatMessage> PostAsync(string room, string from, string text, Socket? sender = null, IConnection? origin = null)
    {
        var message = new ChatMessage(Guid.NewGuid().ToString("N"), room, from, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await history.AddAsync(message).ConfigureAwait(false);
        await (sender is null ? io.To(room) : sender.To(room)).EmitAsync("message", message).ConfigureAwait(false);
        if (room == _options.DefaultRoom)
        {
            var line = $"{from}: {text}";
            WebSocketClients.Broadcast(line, except: origin);
            await io.ServerSideEmitAsync(WebSocketLineEvent, line).ConfigureAwait(false);
        }

        return message;
    }

    private static string Nickname(Socket socket) => NicknameIn(socket.Data) ?? "";

    private static string? NicknameIn(IReadOnlyDictionary<string, object?> data) =>
        data.TryGetValue(NicknameKey, out var nick) ? nick?.ToString() : null;

    [GeneratedRegex("^[\\p{L}\\p{N}_-]{1,32}$")]
    private static partial Regex RoomName();

    private async Task CheckNickname(Socket socket)
    {
        var auth = socket.Handshake.Auth;
        var requested = auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("nick", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()!.Trim()
            : "";
        string nick;
        if (requested.Length == 0)
        {
            nick = await nicknames.ClaimGuestAsync(socket.Id).ConfigureAwait(false);
        }
        else if (requested.Length > _options.MaxNicknameLength)
        {
            throw new ConnectionRejectedException(
                $"Nickname is longer than {_options.MaxNicknameLength} characters", new { code = "nickname-too-long" });
        }
        else if (!await nicknames.TryClaimAsync(requested, socket.Id).ConfigureAwait(false))
        {
            throw new ConnectionRejectedException($"Nickname \"{requested}\" is taken", new { code = "nickname-taken" });
        }
        else
        {
            nick = requested;
        }

        socket.Data[NicknameKey] = nick;
    }

    private async Task OnConnectionAsync(Socket socket)
    {
        var nick = Nickname(socket);
        LogConnected(socket.Id);
        var joined = new HashSet<string>(StringComparer.Ordinal);
        socket.OnDisconnecting(reason => joined = [.. socket.Rooms.Where(room => room != socket.Id)]);
        socket.OnDisconnect(reason => _ = OnDisconnectedAsync(socket, nick, joined));
        socket.On("message", (EventArguments args) => OnMessageAsync(socket, nick, args));
        socket.On("join", (string? room) => JoinAsync(socket, nick, room));
        socket.On("leave", (string room) => LeaveAsync(socket, nick, room));
        socket.On("typing", (JsonElement state) => OnTypingAsync(socket, nick, state));

        if (socket.Recovered)
        {
            // Middleware was skipped: the recovered socket takes its nickname back.
            await nicknames.TryClaimAsync(nick, socket.Id).ConfigureAwait(false);
            foreach (var room in socket.Rooms.Where(room => room != socket.Id))
            {
                await AnnouncePresenceAsync(socket, nick, room, "joined").ConfigureAwait(false);
            }

            return;
        }

        var general = await JoinAsync(socket, nick, _options.DefaultRoom).ConfigureAwait(false);
        await socket.EmitAsync("welcome", new { nick, joined = general }).ConfigureAwait(false);
    }

    private async Task<object?> OnMessageAsync(Socket socket, string nick, EventArguments args)
    {
        // The article's client sends the text alone, to the default room; the page sends { room, text }.
        string? room, text;
        if (args.Count > 0 && args[0].ValueKind == JsonValueKind.String)
        {
            (room, text) = (_options.DefaultRoom, args[0].GetString());
        }
        else if (args.Count > 0 && args[0].ValueKind == JsonValueKind.Object)
        {
            room = args[0].TryGetProperty("room", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            text = args[0].TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        else
        {
            (room, text) = (null, null);
        }

        if (room is null || string.IsNullOrWhiteSpace(text) || text.Length > _options.MaxMessageLength)
        {
            return new { error = $"A message is a non-empty text of at most {_options.MaxMessageLength} characters" };
        }

        if (!socket.Rooms.Contains(room))
        {
            return new { error = $"Join \"{room}\" before writing to it" };
        }

        return await PostAsync(room, nick, text, sender: socket).ConfigureAwait(false);
    }

    private async Task<object> JoinAsync(Socket socket, string nick, string? room)
    {
        if (room is null || !RoomName().IsMatch(room))
        {
            return new { error = "A room name is 1 to 32 letters, digits, '-' or '_'" };
        }

        var isNew = !socket.Rooms.Contains(room);
        socket.Join(room);
        if (isNew)
        {
            await AnnouncePresenceAsync(socket, nick, room, "joined").ConfigureAwait(false);
        }

        return new { room, history = await history.RecentAsync(room).ConfigureAwait(false), members = await MembersAsync(room).ConfigureAwait(false) };
    }

    private async Task LeaveAsync(Socket socket, string nick, string room)
    {
        if (room == _options.DefaultRoom || !socket.Rooms.Contains(room))
        {
            return;
        }

        socket.Leave(room);
        await AnnouncePresenceAsync(socket, nick, room, "left").ConfigureAwait(false);
    }

    private Task OnTypingAsync(Socket socket, string nick, JsonElement state)
    {
        if (state.ValueKind != JsonValueKind.Object
            || !state.TryGetProperty("room", out var r) || r.ValueKind != JsonValueKind.String || !socket.Rooms.Contains(r.GetString()!))
        {
            return Task.CompletedTask;
        }

        var typing = state.TryGetProperty("typing", out var t) && t.ValueKind == JsonValueKind.True;
        return socket.To(r.GetString()!).Volatile.EmitAsync("typing", new { room = r.GetString(), nick, typing });
    }

    private async Task OnDisconnectedAsync(Socket socket, string nick, IEnumerable<string> rooms)
    {
        try
        {
            await nicknames.ReleaseAsync(nick, socket.Id).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogReleaseFailed(socket.Id, nick, e);
        }

        // After the release: from this line on, the nickname is free again.
        LogDisconnected(socket.Id);
        try
        {
            foreach (var room in rooms)
            {
                await AnnouncePresenceAsync(null, nick, room, "left").ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            LogPresenceFailed(socket.Id, e);
        }
    }

    /// <summary>Tells a room that <paramref name="nick"/> <paramref name="change"/> (<c>joined</c> or <c>left</c>) and who is in it now.</summary>
    public Task AnnouncePresenceAsync(string nick, string room, string change) => AnnouncePresenceAsync(null, nick, room, change);

    private async Task AnnouncePresenceAsync(Socket? socket, string nick, string room, string change)
    {
        var others = socket is null ? io.To(room) : socket.To(room);
        await others.EmitAsync(change, new { room, nick }).ConfigureAwait(false);
        await io.To(room).EmitAsync("members", new { room, members = await MembersAsync(room).ConfigureAwait(false) }).ConfigureAwait(false);
    }

    private async Task<string[]> MembersAsync(string room)
    {
        var sockets = await io.In(room).FetchSocketsAsync().ConfigureAwait(false);
        // Sockets without a nickname (those of a Node server in the cluster that sets no socket.data.nick) are no one to show.
        var members = sockets.Select(s => NicknameIn(s.Data)).OfType<string>().ToList();
        if (room == _options.DefaultRoom)
        {
            members.AddRange(WebSocketClients.Select(Chat.Nickname));
        }

        return [.. members.Order(StringComparer.OrdinalIgnoreCase)];
    }

    [LoggerMessage(1, LogLevel.Information, "New connection: {Id}")]
    private partial void LogConnected(string id);

    [LoggerMessage(2, LogLevel.Information, "Connection {Id} has disconnected")]
    private partial void LogDisconnected(string id);

    [LoggerMessage(3, LogLevel.Warning, "Connection {Id}: telling the rooms it left failed")]
    private partial void LogPresenceFailed(string id, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Connection {Id}: giving back nickname {Nick} failed")]
    private partial void LogReleaseFailed(string id, string nick, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Listening on Redis: this server is one of the cluster")]
    private partial void LogInCluster();
}
