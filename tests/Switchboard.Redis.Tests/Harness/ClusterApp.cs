using System.Globalization;
using System.Text.Json;
using Switchboard.SocketIO;

namespace Switchboard.Redis.Tests.Harness;

/// <summary>
/// The handlers every server of a test cluster runs, the same as tests/redis-interop/server.mjs runs on Node (see its
/// header for the events): a client asks its server to broadcast, fetch sockets, make sockets join rooms, emit to the
/// other servers, and gets the outcome in the acknowledgement, so that tests drive Switchboard and Node servers alike.
/// The same handlers serve the namespaces <c>/</c> and <c>/admin</c>, each operation in the client's namespace.
/// </summary>
internal static class ClusterApp
{
    public static void Register(SocketIOServer io, string serverName)
    {
        Register(io.Sockets, serverName);
        Register(io.Of("/admin"), serverName);
    }

    private static void Register(Namespace io, string serverName)
    {
        io.OnConnection(socket =>
        {
            socket.On("join", (EventArguments rooms) =>
            {
                socket.Join(Enumerable.Range(0, rooms.Count).Select(i => rooms.Get<string>(i)!));
                return true;
            });
            socket.On("leave", (string room) =>
            {
                socket.Leave(room);
                return true;
            });
            socket.On("set-data", (string key, JsonElement value) =>
            {
                socket.Data[key] = value;
                return true;
            });
            socket.On("broadcast", (JsonElement request) => Done(Target(io, request).EmitAsync(Event(request), Args(request))));
            socket.On("broadcast-binary", (JsonElement request, byte[] bytes) => Done(Target(io, request).EmitAsync(Event(request), bytes)));
            socket.On("broadcast-with-ack", (JsonElement request) => Answer(async () => new
            {
                responses = FirstArguments(await Target(io, request).Timeout(Timeout(request)).EmitWithAckAsync(Event(request), Args(request))),
            }));
            socket.On("fetch-sockets", (JsonElement request) => Answer(async () => new
            {
                sockets = (await Target(io, request).FetchSocketsAsync()).Select(Describe).ToArray(),
            }));
            socket.On("remote-emit", (JsonElement request) => Answer(async () =>
            {
                foreach (var remote in await Target(io, request).FetchSocketsAsync())
                {
                    await remote.EmitAsync(Event(request), Args(request));
                }

                return true;
            }));
            socket.On("sockets-join", (JsonElement request) => Done(Target(io, request).SocketsJoinAsync(Strings(request, "rooms"))));
            socket.On("sockets-leave", (JsonElement request) => Done(Target(io, request).SocketsLeaveAsync(Strings(request, "rooms"))));
            socket.On("disconnect-sockets", (JsonElement request) => Done(Target(io, request).DisconnectSocketsAsync(Flag(request, "close", JsonValueKind.True))));
            socket.On("all-rooms", () => Answer(async () => new { rooms = (await io.Adapter.AllRoomsAsync()).Order(StringComparer.Ordinal).ToArray() }));
            socket.On("server-side-emit", (JsonElement request) => Done(io.ServerSideEmitAsync(Event(request), Args(request))));
            socket.On("server-side-emit-with-ack", (JsonElement request) => Answer(async () => new
            {
                responses = FirstArguments(await io.ServerSideEmitWithAckAsync(Event(request), Timeout(request), Args(request))),
            }));
        });
        io.OnServerSideEmit("announce", (EventArguments args) => io.Local.EmitAsync("announced", new { server = serverName, args = args.ToArray() }));
        io.OnServerSideEmit("whoami", () => serverName);
    }

    private static BroadcastOperator Target(Namespace io, JsonElement request)
    {
        var target = io.To(Strings(request, "to")).Except(Strings(request, "except"));
        target = Flag(request, "local", JsonValueKind.True) ? target.Local : target;
        target = Flag(request, "volatile", JsonValueKind.True) ? target.Volatile : target;
        return Flag(request, "compress", JsonValueKind.False) ? target.Compress(false) : target;
    }

    private static bool Flag(JsonElement request, string name, JsonValueKind value) =>
        request.TryGetProperty(name, out var flag) && flag.ValueKind == value;

    private static string Event(JsonElement request) => request.GetProperty("event").GetString()!;

    private static object?[] Args(JsonElement request) =>
        request.TryGetProperty("args", out var args) ? [.. args.EnumerateArray().Select(a => (object?)a)] : [];

    private static string[] Strings(JsonElement request, string name) =>
        request.TryGetProperty(name, out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : [];

    private static TimeSpan Timeout(JsonElement request) =>
        TimeSpan.FromMilliseconds(request.TryGetProperty("timeoutMs", out var ms) ? ms.GetDouble() : 5000);

    private static async Task<bool> Done(Task operation)
    {
        await operation;
        return true;
    }

    // Failures answer as Node's handlers do: {error, responses}.
    private static async Task<object> Answer(Func<Task<object>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e)
        {
            return new { error = e.Message, responses = e is AcknowledgementTimeoutException timeout ? FirstArguments(timeout.Responses) : null };
        }
    }

    // Node's acknowledgement callbacks on a broadcast take one value per client: the first argument.
    private static JsonElement?[] FirstArguments(IReadOnlyList<EventArguments> responses) =>
        [.. responses.Select(r => r.Count > 0 ? r[0] : (JsonElement?)null)];

    private static object Describe(RemoteSocket socket) => new
    {
        id = socket.Id,
        rooms = socket.Rooms.Order(StringComparer.Ordinal).ToArray(),
        data = socket.Data,
        handshake = new
        {
            url = socket.Handshake.Url,
            query = socket.Handshake.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            auth = socket.Handshake.Auth,
            address = socket.Handshake.Address?.ToString(),
            secure = socket.Handshake.Secure,
            issued = socket.Handshake.Issued.ToUnixTimeMilliseconds(),
            headers = socket.Handshake.Headers.ToDictionary(h => h.Key.ToLower(CultureInfo.InvariantCulture), h => h.Value.ToString()),
        },
    };
}
