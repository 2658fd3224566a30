using System.Text.Json;
using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Interop.Tests;

/// <summary>
/// The real npm socket.io-client 4.8 configured with <c>parser: require("socket.io-msgpack-parser")</c> against our
/// server with <see cref="SocketParser.MsgPack"/>, in each transport mode: every packet is then one binary message,
/// sent as a binary WebSocket frame or as base64 in a polling payload.
/// </summary>
public sealed class MsgPackParserTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Connects_to_the_main_namespace_and_to_a_second_one_with_an_auth_payload(string mode)
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();

        await ConnectAsync(node, "main", server, mode);
        var auth = await node.WaitForAsync("main", "event", e => e.GetProperty("event").GetString() == "auth");
        Assert.Equal("{}", auth.GetProperty("args")[0].GetRawText());

        await node.ConnectAsync("admin", server.Url("/admin"), Options(mode, new { token = "abc" }));
        await node.WaitForAsync("admin", "connect");
        var adminAuth = await node.WaitForAsync("admin", "event", e => e.GetProperty("event").GetString() == "auth");
        Assert.Equal("abc", adminAuth.GetProperty("args")[0].GetProperty("token").GetString());
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Events_flow_both_ways_with_strings_numbers_nested_objects_and_binary(string mode)
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, "c", server, mode);

        var nested = new { three = new[] { 3 }, text = "é€😀", deeper = new { n = -1.5, none = (object?)null } };
        await node.EmitAsync("c", "echo", 1, "two", nested, null, true, 1.5, -7, 1_099_511_627_776, NodeClientDriver.Binary([1, 2, 3]));

        var args = (await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "echo")).GetProperty("args");
        Assert.Equal(
            """[1,"two",{"three":[3],"text":"é€😀","deeper":{"n":-1.5,"none":null}},null,true,1.5,-7,1099511627776]""",
            "[" + string.Join(',', args.EnumerateArray().Take(8).Select(a => a.GetRawText())) + "]");
        Assert.Equal(new byte[] { 1, 2, 3 }, NodeClientDriver.ReadBinary(args[8]));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Binary_of_each_msgpack_size_reaches_a_typed_handler_and_comes_back(string mode)
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, "c", server, mode);

        // bin 8, bin 16 and bin 32.
        foreach (var size in new[] { 0, 255, 256, 70_000 })
        {
            var payload = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
            await node.EmitAsync("c", "binary", NodeClientDriver.Binary(payload), "size " + size);

            var back = (await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "binary")).GetProperty("args");
            Assert.Equal("size " + size, back[1].GetString());
            Assert.Equal(payload.Reverse(), NodeClientDriver.ReadBinary(back[0]));
        }
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Acknowledgements_flow_both_ways_with_any_arguments(string mode)
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, "c", server, mode);

        Assert.Equal("answer:why", (await node.EmitWithAckAsync("c", "ask", "why"))[0].GetString());

        // The server asks "question" with an ack; the client's answer comes back in "client-answered".
        await node.SetAckReplyAsync("c", "question", new { nested = new[] { 1, 2 } }, -2.5, NodeClientDriver.Binary([9, 9]), null);
        await node.EmitAsync("c", "ask-client", "how");

        var question = await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "question");
        Assert.Equal(new byte[] { 7, 8 }, NodeClientDriver.ReadBinary(question.GetProperty("args")[1]));
        var answer = (await node.WaitForAsync("c", "event", e => e.GetProperty("event").GetString() == "client-answered")).GetProperty("args");
        Assert.Equal("""{"nested":[1,2]}""", answer[0].GetRawText());
        Assert.Equal(-2.5, answer[1].GetDouble());
        Assert.Equal(new byte[] { 9, 9 }, NodeClientDriver.ReadBinary(answer[2]));
        Assert.Equal(JsonValueKind.Null, answer[3].ValueKind);
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_broadcast_reaches_every_other_client_but_not_its_sender(string mode)
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await ConnectAsync(node, name, server, mode);
        }

        await node.EmitAsync("a", "message", "hello from a", NodeClientDriver.Binary([4, 2]));

        foreach (var name in new[] { "b", "c" })
        {
            var message = await node.WaitForAsync(name, "event", e => e.GetProperty("event").GetString() == "message");
            Assert.Equal("hello from a", message.GetProperty("args")[0].GetString());
            Assert.Equal(new byte[] { 4, 2 }, NodeClientDriver.ReadBinary(message.GetProperty("args")[1]));
        }

        Assert.True(await node.NoEventAsync("a", "event", Quiet, e => e.GetProperty("event").GetString() == "message"));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task A_client_with_the_default_parser_is_closed_without_affecting_the_others(string mode)
    {
        await using var server = await StartServerAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, "msgpack", server, mode);

        await node.ConnectAsync("json", server.Url(), TransportMode.Options(mode));

        await server.Server.Logs.WaitForAsync(e => e.Message.Contains(nameof(SocketDecodeStatus.UnexpectedText), StringComparison.Ordinal));
        Assert.True(await node.NoEventAsync("json", "connect", Quiet));
        var reply = await node.EmitWithAckAsync("msgpack", "ask", "still there?");
        Assert.Equal("answer:still there?", reply[0].GetString());
    }

    private static Task<InteropServer> StartServerAsync() => InteropServer.StartAsync(o => o.Parser = SocketParser.MsgPack);

    private static async Task ConnectAsync(NodeClientDriver node, string client, InteropServer server, string mode)
    {
        await node.ConnectAsync(client, server.Url(), Options(mode));
        await node.WaitForAsync(client, "connect");
        await TransportMode.WaitForUpgradeIfExpectedAsync(node, client, mode);
    }

    private static Dictionary<string, object?> Options(string mode, object? auth = null)
    {
        var options = TransportMode.Options(mode, auth);
        options["parser"] = "msgpack";
        return options;
    }
}
