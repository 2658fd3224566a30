using System.Text.RegularExpressions;
using Switchboard.Interop.Tests.Harness;
using Switchboard.Redis.Tests.Harness;

namespace Switchboard.Redis.Tests;

/// <summary>
/// The bytes on Redis with the Streams adapter: for the same operation, a Switchboard server appends to the stream, and
/// publishes on the channels, what a Node server with @socket.io/redis-streams-adapter 0.3 does — same stream fields
/// and data, same channel and msgpack bytes — but for each server's own id and the random request ids. Both servers
/// run in one cluster named alike ("peer"), with one client each; spies read the stream and every channel of the key.
/// </summary>
public sealed partial class StreamsWireFormatTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Node = "node";
    private const string Switchboard = "switchboard";
    private readonly string _key = "test-" + Guid.NewGuid().ToString("N")[..12];

    public static TheoryData<string, object> RoomChanges => new()
    {
        { "sockets-join", new { to = new[] { "room" }, rooms = new[] { "vip", "gold" } } },
        { "sockets-leave", new { except = new[] { "room" }, rooms = new[] { "vip" } } },
        { "disconnect-sockets", new { to = new[] { "nobody" }, close = true } },
    };

    public static TheoryData<string, object> Requests => new()
    {
        { "fetch-sockets", new { to = new[] { "room" }, except = new[] { "other" } } },
        { "server-side-emit", new { @event = "announce", args = new object[] { "x", 1, new { y = true } } } },
        { "server-side-emit-with-ack", new { @event = "whoami", timeoutMs = 5000 } },
    };

    [Theory]
    [MemberData(nameof(WireFormatTests.Broadcasts), MemberType = typeof(WireFormatTests))]
    public async Task A_broadcast_is_appended_as_the_Node_adapter_appends_it(string description, object broadcast)
    {
        Assert.NotEmpty(description);
        await using var peers = await StartAsync();

        AssertSame(await peers.BothAppendAsync(client => peers.Cluster.AskAsync(client, "broadcast", broadcast)));
    }

    [Fact]
    public async Task A_binary_argument_is_appended_as_the_Node_adapter_appends_it()
    {
        await using var peers = await StartAsync();

        var appended = await peers.BothAppendAsync(
            client => peers.Cluster.AskAsync(client, "broadcast-binary", new { @event = "file" }, NodeClientDriver.Binary([0, 1, 0xc1, 0xff])));

        Assert.DoesNotContain("{", appended[Node].Fields[^1].Value, StringComparison.Ordinal);
        AssertSame(appended);
    }

    [Theory]
    [MemberData(nameof(RoomChanges))]
    public async Task A_room_change_is_appended_as_the_Node_adapter_appends_it(string ev, object request)
    {
        await using var peers = await StartAsync();

        AssertSame(await peers.BothAppendAsync(client => peers.Cluster.AskAsync(client, ev, request)));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_request_is_published_as_the_Node_adapter_publishes_it(string ev, object request)
    {
        await using var peers = await StartAsync();

        var published = new Dictionary<string, SpiedMessage>();
        foreach (var client in new[] { Node, Switchboard })
        {
            await peers.Cluster.AskAsync(client, ev, request);
            published[client] = await peers.Channels.NextAsync(IsPublicChannel);
        }

        AssertSame(published);
    }

    [Fact]
    public async Task The_answers_to_a_server_side_emit_and_a_broadcast_with_acknowledgements_are_published_as_the_Node_adapter_publishes_them()
    {
        await using var peers = await StartAsync();
        await peers.Cluster.Clients.SetAckReplyAsync(Node, "question", new { answer = "yes" });
        await peers.Cluster.Clients.SetAckReplyAsync(Switchboard, "question", new { answer = "yes" });
        var broadcast = new { @event = "question", args = new object[] { 42 }, timeoutMs = 10_000 };

        var requests = new Dictionary<string, SpiedMessage>();
        var whoami = new Dictionary<string, SpiedMessage>();
        var counts = new Dictionary<string, SpiedMessage>();
        var answers = new Dictionary<string, SpiedMessage>();
        foreach (var (asker, answerer) in new[] { (Node, Switchboard), (Switchboard, Node) })
        {
            await peers.Cluster.AskAsync(asker, "server-side-emit-with-ack", new { @event = "whoami" });
            await peers.Channels.NextAsync(IsPublicChannel);
            whoami[answerer] = await peers.Channels.NextAsync(IsOwnChannel);

            var reply = peers.Cluster.AskAsync(asker, "broadcast-with-ack", broadcast);
            requests[asker] = await peers.Channels.NextAsync(IsPublicChannel);
            (counts[answerer], answers[answerer]) = await peers.Channels.NextCountAndAnswerAsync(IsOwnChannel);
            Assert.Equal(2, (await reply).GetProperty("responses").GetArrayLength());
        }

        AssertSame(whoami);
        AssertSame(requests);
        AssertSame(counts);
        AssertSame(answers);
    }

    private bool IsPublicChannel(string channel) => channel == _key + "#/#";

    private bool IsOwnChannel(string channel) => channel.StartsWith(_key + "#/#", StringComparison.Ordinal) && channel.Length > (_key + "#/#").Length;

    private async Task<Peers> StartAsync()
    {
        var channels = await ChannelSpy.StartAsync(redis, _key);
        var stream = await StreamSpy.StartAsync(redis, _key);
        try
        {
            var node = await ProcessClusterServer.StartNodeAsync("peer", redis, _key, NodeAdapter.Streams);
            var switchboard = await SwitchboardClusterServer.StartAsync("peer", SwitchboardClusterServer.RedisStreamsAdapterOn(redis, _key));
            var cluster = await Cluster.StartAsync([node, switchboard]);
            await cluster.ConnectAsync(Node, 0);
            await cluster.ConnectAsync(Switchboard, 1);
            return new Peers(cluster, channels, stream);
        }
        catch
        {
            await channels.DisposeAsync();
            await stream.DisposeAsync();
            throw;
        }
    }

    // The same fields in the same order, the same values but for the adapter's id.
    private static void AssertSame(Dictionary<string, SpiedEntry> appended)
    {
        static string Masked(SpiedEntry entry) => string.Join(" ", entry.Fields.Select(f => f.Key + "=" + (f.Key == "uid" ? "*" : f.Value)));
        Assert.Equal(Masked(appended[Node]), Masked(appended[Switchboard]));
    }

    // The same channel (but for the asker's id in an own channel) and the same msgpack with ids masked.
    private static void AssertSame(Dictionary<string, SpiedMessage> published)
    {
        static string Masked(SpiedMessage message) =>
            OwnChannelId().Replace(message.Channel, "#*#") + " " + MsgPackIds().Replace(Convert.ToHexString(message.Bytes), "${key}B0" + new string('*', 32));
        Assert.Equal(Masked(published[Node]), Masked(published[Switchboard]));
    }

    // An adapter id in a channel name: sixteen hex digits between #s.
    [GeneratedRegex("#[0-9a-f]{16}#$")]
    private static partial Regex OwnChannelId();

    // fixstr "uid" (A3 756964) or "requestId" (A9 72657175657374 4964), then a fixstr of sixteen (B0): Node's random ids.
    [GeneratedRegex("(?<key>A3756964|A9726571756573744964)B0[0-9A-F]{32}")]
    private static partial Regex MsgPackIds();

    private sealed class Peers(Cluster cluster, ChannelSpy channels, StreamSpy stream) : IAsyncDisposable
    {
        public Cluster Cluster { get; } = cluster;

        public ChannelSpy Channels { get; } = channels;

        // What Node's client, then Switchboard's client, made its server append to the stream.
        public async Task<Dictionary<string, SpiedEntry>> BothAppendAsync(Func<string, Task> ask)
        {
            var appended = new Dictionary<string, SpiedEntry>();
            foreach (var client in new[] { Node, Switchboard })
            {
                await ask(client);
                appended[client] = await stream.NextAsync();
            }

            return appended;
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await Channels.DisposeAsync();
            await stream.DisposeAsync();
        }
    }
}
