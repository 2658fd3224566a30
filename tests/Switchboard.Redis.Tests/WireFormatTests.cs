using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Interop.Tests.Harness;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The bytes on Redis: for the same operation, a Switchboard server publishes what a Node server with
/// @socket.io/redis-adapter 8.x publishes — same channel, same bytes — but for each server's own id and the random
/// request ids. Both servers run in one cluster named alike ("peer"), with one client each, and a spy reads every
/// channel of their key.
/// </summary>
public sealed partial class WireFormatTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Node = "node";
    private const string Switchboard = "switchboard";
    private readonly string _key = "test-" + Guid.NewGuid().ToString("N")[..12];

    public static TheoryData<string, object> Broadcasts => new()
    {
        { "everyone, every kind of JSON value", new { @event = "news", args = new object?[] { "hé", 0, 1, -1, 200, 70_000, -40_000, 5_000_000_000, 1.5, true, false, null, new { a = new object[] { 1, "b" } }, Array.Empty<int>() } } },
        { "one room (its own channel)", new { to = new[] { "room" }, @event = "x", args = new object[] { "y" } } },
        { "rooms with exceptions", new { to = new[] { "r1", "r2" }, except = new[] { "r3" }, @event = "x" } },
        { "volatile, uncompressed", new { @event = "x", @volatile = true, compress = false } },
    };

    public static TheoryData<string, object> Requests => new()
    {
        { "fetch-sockets", new { to = new[] { "room" }, except = new[] { "other" } } },
        { "all-rooms", new { } },
        { "sockets-join", new { to = new[] { "room" }, rooms = new[] { "vip", "gold" } } },
        { "sockets-leave", new { except = new[] { "room" }, rooms = new[] { "vip" } } },
        { "disconnect-sockets", new { to = new[] { "nobody" }, close = true } },
        { "server-side-emit", new { @event = "announce", args = new object[] { "x", 1, new { y = true } } } },
        { "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 5000 } },
    };

    [Theory]
    [MemberData(nameof(Broadcasts))]
    public async Task A_broadcast_is_published_as_the_Node_adapter_publishes_it(string description, object broadcast)
    {
        Assert.NotEmpty(description);
        await using var peers = await StartAsync();

        var published = await peers.BothAsync(client => peers.Cluster.AskAsync(client, "broadcast", broadcast), IsBroadcastChannel);

        AssertSame(published);
    }

    [Fact]
    public async Task A_binary_argument_is_published_as_the_Node_adapter_publishes_it()
    {
        await using var peers = await StartAsync();

        var published = await peers.BothAsync(
            client => peers.Cluster.AskAsync(client, "broadcast-binary", new { @event = "file" }, NodeClientDriver.Binary([0, 1, 0xc1, 0xff])),
            IsBroadcastChannel);

        AssertSame(published);
    }

    [Fact]
    public async Task A_broadcast_in_another_namespace_is_published_as_the_Node_adapter_publishes_it()
    {
        await using var peers = await StartAsync();
        await peers.Cluster.ConnectAsync(Node + "/admin", 0, nsp: "/admin");
        await peers.Cluster.ConnectAsync(Switchboard + "/admin", 1, nsp: "/admin");

        var published = await peers.BothAsync(
            client => peers.Cluster.AskAsync(client + "/admin", "broadcast", new { to = new[] { "room" }, @event = "x" }),
            channel => channel.StartsWith(_key + "#/admin#", StringComparison.Ordinal));

        Assert.Equal(_key + "#/admin#room#", published[Node].Channel);
        AssertSame(published);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_request_is_published_as_the_Node_adapter_publishes_it(string ev, object request)
    {
        await using var peers = await StartAsync();

        var published = await peers.BothAsync(client => peers.Cluster.AskAsync(client, ev, request), channel => channel == _key + "-request#/#");

        AssertSame(published);
    }

    [Fact]
    public async Task The_answers_to_a_request_are_published_as_the_Node_adapter_publishes_them()
    {
        await using var peers = await StartAsync();

        // Each server answers the other's request: Switchboard answers Node's, Node answers Switchboard's.
        var whoami = await peers.BothAsync(client => peers.Cluster.AskAsync(client, "server-side-emit-with-ack", new { @event = "whoami" }), IsResponseChannel);
        var rooms = await peers.BothAsync(client => peers.Cluster.AskAsync(client, "all-rooms"), IsResponseChannel);
        var sockets = await peers.BothAsync(client => peers.Cluster.AskAsync(client, "fetch-sockets", new { }), IsResponseChannel);

        AssertSame(whoami);
        Assert.Equal(Shape(rooms[Node]), Shape(rooms[Switchboard]));
        Assert.Equal(Shape(sockets[Node]), Shape(sockets[Switchboard]));
    }

    [Fact]
    public async Task A_broadcast_with_acknowledgements_and_its_answers_are_published_as_the_Node_adapter_publishes_them()
    {
        await using var peers = await StartAsync();
        await peers.Cluster.Clients.SetAckReplyAsync(Node, "question", new { answer = "yes" });
        await peers.Cluster.Clients.SetAckReplyAsync(Switchboard, "question", new { answer = "yes" });
        var broadcast = new { @event = "question", args = new object[] { 42 }, timeoutMs = 10_000 };

        var requests = new Dictionary<string, SpiedMessage>();
        var counts = new Dictionary<string, SpiedMessage>();
        var answers = new Dictionary<string, SpiedMessage>();
        foreach (var (asker, answerer) in new[] { (Node, Switchboard), (Switchboard, Node) })
        {
            var reply = peers.Cluster.AskAsync(asker, "broadcast-with-ack", broadcast);
            requests[asker] = await peers.Spy.NextAsync(channel => channel == _key + "-request#/#");
            (counts[answerer], answers[answerer]) = await peers.Spy.NextCountAndAnswerAsync(IsResponseChannel);
            Assert.Equal(2, (await reply).GetProperty("responses").GetArrayLength());
        }

        AssertSame(requests);
        AssertSame(counts);
        AssertSame(answers);
    }

    [Theory]
    [InlineData(Node)]
    [InlineData(Switchboard)]
    public async Task A_server_that_publishes_on_specific_response_channels_answers_on_the_askers_own(string answerer)
    {
        await using var peers = await StartAsync(specificResponseChannel: answerer);
        var asker = answerer == Node ? Switchboard : Node;

        var answer = peers.Cluster.AskAsync(asker, "fetch-sockets", new { });
        var request = await peers.Spy.NextAsync(channel => channel == _key + "-request#/#");
        var response = await peers.Spy.NextAsync(IsResponseChannel);

        Assert.Equal($"{_key}-response#/#{Uid(request)}#", response.Channel);
        Assert.Equal(2, (await answer).GetProperty("sockets").GetArrayLength());
    }

    private bool IsBroadcastChannel(string channel) => channel.StartsWith(_key + "#/#", StringComparison.Ordinal);

    private bool IsResponseChannel(string channel) => channel.StartsWith(_key + "-response#/#", StringComparison.Ordinal);

    private async Task<Peers> StartAsync(string? specificResponseChannel = null)
    {
        var spy = await ChannelSpy.StartAsync(redis, _key);
        try
        {
            var node = await ProcessClusterServer.StartNodeAsync("peer", redis, _key, specificResponseChannel: specificResponseChannel == Node);
            var switchboard = await SwitchboardClusterServer.StartAsync(
                "peer", SwitchboardClusterServer.RedisAdapterOn(redis, _key, o => o.PublishOnSpecificResponseChannel = specificResponseChannel == Switchboard));
            var cluster = await Cluster.StartAsync([node, switchboard]);
            await cluster.ConnectAsync(Node, 0);
            await cluster.ConnectAsync(Switchboard, 1);
            return new Peers(cluster, spy);
        }
        catch
        {
            await spy.DisposeAsync();
            throw;
        }
    }

    // Both messages on the same channel, the same bytes once ids are masked.
    private static void AssertSame(Dictionary<string, SpiedMessage> published)
    {
        Assert.Equal(Mask(published[Node]), Mask(published[Switchboard]));
    }

    // The channel, and the message with the server and request ids masked: as JSON text, or msgpack in hex.
    private static string Mask(SpiedMessage message)
    {
        if (message.Bytes[0] == (byte)'{')
        {
            return message.Channel + " " + JsonIds().Replace(Encoding.UTF8.GetString(message.Bytes), "\"$1\":\"*\"");
        }

        // msgpack: [uid, …] starts 0x93 0xa6 and six characters; "uid" and "requestId" keys are followed by 0xa6 and six.
        var hex = Convert.ToHexString(message.Bytes);
        hex = hex.StartsWith("93A6", StringComparison.Ordinal) ? "93A6" + new string('*', 12) + hex[16..] : hex;
        return message.Channel + " " + MsgPackIds().Replace(hex, "${key}A6************");
    }

    // The JSON with every string and number replaced by its kind, header names sorted: what two servers' answers share.
    private static string Shape(SpiedMessage message)
    {
        static JsonElement Walk(JsonElement e, bool sortNames) => e.ValueKind switch
        {
            JsonValueKind.Object => JsonSerializer.SerializeToElement(
                (sortNames ? e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal) : e.EnumerateObject().AsEnumerable())
                    .ToDictionary(p => p.Name, p => Walk(p.Value, p.Name == "headers"))),
            JsonValueKind.Array => JsonSerializer.SerializeToElement(e.EnumerateArray().Select(v => Walk(v, false)).ToArray()),
            JsonValueKind.String => JsonSerializer.SerializeToElement("string"),
            JsonValueKind.Number => JsonSerializer.SerializeToElement(0),
            _ => e,
        };

        return message.Channel + " " + Walk(JsonDocument.Parse(message.Bytes).RootElement, false).GetRawText();
    }

    private static string Uid(SpiedMessage request) => JsonDocument.Parse(request.Bytes).RootElement.GetProperty("uid").GetString()!;

    [GeneratedRegex("\"(uid|requestId)\":\"[^\"]*\"")]
    private static partial Regex JsonIds();

    // fixstr "uid" (A3 756964) or "requestId" (A9 72657175657374 4964), then a fixstr of six.
    [GeneratedRegex("(?<key>A3756964|A9726571756573744964)A6[0-9A-F]{12}")]
    private static partial Regex MsgPackIds();

    private sealed class Peers(Cluster cluster, ChannelSpy spy) : IAsyncDisposable
    {
        public Cluster Cluster { get; } = cluster;

        public ChannelSpy Spy { get; } = spy;

        // What Node's client, then Switchboard's client, made its server publish on a channel that `channel` accepts.
        public async Task<Dictionary<string, SpiedMessage>> BothAsync(Func<string, Task> ask, Func<string, bool> channel)
        {
            var published = new Dictionary<string, SpiedMessage>();
            foreach (var client in new[] { Node, Switchboard })
            {
                await ask(client);
                published[client] = await Spy.NextAsync(channel);
            }

            return published;
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await Spy.DisposeAsync();
        }
    }
}
