using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests.Features;

/// <summary>
/// Broadcasts with acknowledgements (Node's <c>io.timeout(ms).emitWithAck(…)</c>) with the real npm
/// client: the answers of every recipient come back; a recipient that stays silent past the timeout,
/// or leaves, fails the broadcast with the answers that did come.
/// </summary>
public sealed class BroadcastAcknowledgementTests
{
    // Only for the silent client: the others answer in milliseconds on loopback.
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(3);

    // A hang guard where every recipient answers.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task Every_recipients_answer_comes_back(string mode)
    {
        await using var server = await TestServer.StartAsync(setup: JoinRoomOnConnection);
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, server, mode, "a", "b", "c");
        await AnswerWithAsync(node, 42, "a", "b", "c");

        var answers = await server.Io.Timeout(Generous).EmitWithAckAsync("question", 42);

        Assert.Equal(["a:42", "b:42", "c:42"], Answers(answers));
    }

    [Theory, MemberData(nameof(TransportMode.All), MemberType = typeof(TransportMode))]
    public async Task One_silent_client_times_the_broadcast_out_and_the_exception_holds_the_other_answers(string mode)
    {
        await using var server = await TestServer.StartAsync(setup: JoinRoomOnConnection);
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, server, mode, "a", "b", "silent");
        await AnswerWithAsync(node, 7, "a", "b");
        await node.SetNoAckReplyAsync("silent", "question");

        var timedOut = await Assert.ThrowsAsync<AcknowledgementTimeoutException>(
            () => server.Io.Timeout(AckTimeout).EmitWithAckAsync("question", 7));

        Assert.Equal(["a:7", "b:7"], Answers(timedOut.Responses));
        var asked = await node.WaitForAsync("silent", "event");
        Assert.True(asked.GetProperty("hasAck").GetBoolean());
    }

    [Fact]
    public async Task A_recipient_that_leaves_without_answering_fails_the_broadcast_with_the_other_answers()
    {
        await using var server = await TestServer.StartAsync(setup: JoinRoomOnConnection);
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, server, "websocket", "a", "leaver");
        await AnswerWithAsync(node, 1, "a");
        await node.SetNoAckReplyAsync("leaver", "question");

        // No timeout: the broadcast waits for each recipient to answer or leave.
        var broadcast = server.Io.Sockets.EmitWithAckAsync("question", 1);
        await node.WaitForAsync("leaver", "event");
        await node.DisconnectAsync("leaver");

        var failed = await Assert.ThrowsAsync<AcknowledgementTimeoutException>(() => broadcast.WaitAsync(Generous));
        Assert.Equal(["a:1"], Answers(failed.Responses));
    }

    [Fact]
    public async Task Only_the_targets_answer_and_a_broadcast_that_reaches_nobody_answers_empty_at_once()
    {
        var sockets = new EventRecord<Socket>();
        await using var server = await TestServer.StartAsync(setup: io =>
        {
            JoinRoomOnConnection(io);
            io.OnConnection(sockets.Add);
        });
        await using var node = await NodeClientDriver.StartAsync();
        await ConnectAsync(node, server, "websocket", "a", "b");
        await node.ConnectInModeAsync("outside", server.Url.ToString(), "websocket", auth: new { room = "elsewhere" });
        await node.SetNoAckReplyAsync("outside", "question");
        var a = (await sockets.WaitForCountAsync(3))[0];

        await AnswerWithAsync(node, 2, "a", "b");
        Assert.Equal(["a:2", "b:2"], Answers(await server.Io.To("members").EmitWithAckAsync("question", 2).WaitAsync(Generous)));
        await AnswerWithAsync(node, 3, "a", "b");
        Assert.Equal(["b:3"], Answers(await a.Broadcast.Except("elsewhere").EmitWithAckAsync("question", 3).WaitAsync(Generous)));
        Assert.Empty(await server.Io.To("nobody-here").EmitWithAckAsync("question", 4).WaitAsync(Generous));
    }

    private static void JoinRoomOnConnection(SocketIOServer io) =>
        io.OnConnection(socket => socket.Join(socket.Handshake.Auth.TryGetProperty("room", out var room) ? room.GetString()! : "members"));

    private static async Task ConnectAsync(NodeClientDriver node, TestServer server, string mode, params string[] clients)
    {
        foreach (var client in clients)
        {
            await node.ConnectInModeAsync(client, server.Url.ToString(), mode);
        }
    }

    /// <summary>From now on <paramref name="clients"/> answer <c>question</c> with their name and <paramref name="n"/>: an answer names who gave it, to which question.</summary>
    private static async Task AnswerWithAsync(NodeClientDriver node, int n, params string[] clients)
    {
        foreach (var client in clients)
        {
            await node.SetAckReplyAsync(client, "question", client, n);
        }
    }

    private static List<string> Answers(IReadOnlyList<EventArguments> answers) =>
        [.. answers.Select(a => $"{a.Get<string>(0)}:{a.Get<int>(1)}").Order(StringComparer.Ordinal)];
}
