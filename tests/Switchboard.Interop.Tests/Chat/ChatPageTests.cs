using Switchboard.Interop.Tests.Harness;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Interop.Tests.Chat;

/// <summary>
/// The chat's web page in headless Chromium against the chat server in its own process: what a
/// user does and sees, with Socket.IO and plain WebSocket clients taking part in the same chat.
/// </summary>
public sealed class ChatPageTests
{
    [Fact]
    public async Task Two_pages_chat_in_general_and_the_sender_sees_delivery()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");
        var bob = await scene.EnterAsync("bob");

        await alice.SendAsync("hello bob");

        await Expect(bob.Message("alice", "hello bob")).ToHaveCountAsync(1);
        await Expect(alice.Message("alice", "hello bob").Locator(".state")).ToHaveTextAsync("✓ delivered");
        await Expect(alice.Members).ToHaveTextAsync(["alice", "bob"]);
        await Expect(bob.Members).ToHaveTextAsync(["alice", "bob"]);
        await Expect(alice.Page.GetByText("bob joined")).ToBeVisibleAsync();

        await bob.SendAsync("hi alice");
        await Expect(alice.Message("bob", "hi alice")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_page_in_another_room_sees_nothing_of_general()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");
        var carol = await scene.EnterAsync("carol");
        await carol.JoinRoomAsync("side");

        await alice.SendAsync("general only");
        await carol.SendAsync("side only");

        await Expect(alice.Message("alice", "general only").Locator(".state")).ToHaveTextAsync("✓ delivered");
        await Expect(carol.Message("carol", "side only").Locator(".state")).ToHaveTextAsync("✓ delivered");
        Assert.Equal(["side only"], await carol.MessageTextsAsync());
        Assert.Equal(["general only"], await alice.MessageTextsAsync());
        await Expect(carol.Members).ToHaveTextAsync(["carol"]);
    }

    [Fact]
    public async Task A_node_socket_io_client_and_a_plain_websocket_client_join_the_same_chat()
    {
        await using var scene = await ChatScene.StartAsync();
        await using var node = await NodeClientDriver.StartAsync();
        await using var ws = await WsClientDriver.StartAsync();
        var alice = await scene.EnterAsync("alice");
        await node.ConnectAsync("bot", scene.Chat.Url, new { auth = new { nick = "node-bot" } });
        await node.WaitForAsync("bot", "event", e => e.GetProperty("event").GetString() == "welcome");
        await ws.OpenAsync("w", scene.Chat.WebSocketUrl("/ws"));
        await Expect(alice.Members).ToHaveTextAsync(["alice", "node-bot", "ws-1"]);

        await node.EmitAsync("bot", "message", "from node");
        await Expect(alice.Message("node-bot", "from node")).ToHaveCountAsync(1);
        Assert.Equal("node-bot: from node", await ws.ReceiveTextAsync("w"));

        await ws.SendAsync("w", "from ws");
        await Expect(alice.Message("ws-1", "from ws")).ToHaveCountAsync(1);
        var relayed = await node.WaitForAsync("bot", "event", e => e.GetProperty("event").GetString() == "message");
        Assert.Equal("ws-1", relayed.GetProperty("args")[0].GetProperty("from").GetString());
        Assert.Equal("from ws", relayed.GetProperty("args")[0].GetProperty("text").GetString());

        await alice.SendAsync("from the page");
        Assert.Equal("alice: from the page", await ws.ReceiveTextAsync("w"));
        var fromPage = await node.WaitForAsync("bot", "event", e => e.GetProperty("event").GetString() == "message");
        Assert.Equal("from the page", fromPage.GetProperty("args")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_nickname_too_long_or_taken_is_refused_with_the_reason_shown()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");

        var other = await scene.Browser.OpenAsync(scene.Chat.Url);
        await other.SubmitNicknameAsync(new string('x', 33));
        await Expect(other.LoginError).ToHaveTextAsync("Nickname is longer than 32 characters");

        await other.SubmitNicknameAsync("Alice");
        await Expect(other.LoginError).ToHaveTextAsync("Nickname \"Alice\" is taken");

        await other.EnterAsync("alice2");
    }

    [Fact]
    public async Task Markup_in_a_message_is_shown_as_text()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");
        var bob = await scene.EnterAsync("bob");
        const string markup = "<script>window.injected = 1</script><img src=x onerror=\"window.injected = 2\"><b>bold</b>";

        await alice.SendAsync(markup);

        await Expect(bob.Message("alice", markup)).ToHaveCountAsync(1);
        Assert.Equal(0, await bob.Page.Locator("[data-testid=messages] script, [data-testid=messages] img, [data-testid=messages] b").CountAsync());
        Assert.Equal("undefined", await bob.Page.EvaluateAsync<string>("() => typeof window.injected"));
    }

    [Fact]
    public async Task A_page_that_goes_offline_gets_every_missed_message_once_and_in_order()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");
        var bob = await scene.EnterAsync("bob");
        await alice.SendAsync("before");
        await Expect(bob.Message("alice", "before")).ToHaveCountAsync(1);

        await bob.Context.SetOfflineAsync(true);
        await Expect(bob.Status).ToHaveTextAsync("offline");
        await scene.Chat.WaitForLineAsync("has disconnected");
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendAsync($"missed {i}");
            await Expect(alice.Message("alice", $"missed {i}").Locator(".state")).ToHaveTextAsync("✓ delivered");
        }

        await bob.Context.SetOfflineAsync(false);

        await Expect(bob.Status).ToHaveTextAsync("connected");
        await Expect(bob.Message("alice", "missed 5")).ToHaveCountAsync(1);
        Assert.Equal(["before", "missed 1", "missed 2", "missed 3", "missed 4", "missed 5"], await bob.MessageTextsAsync());
        Assert.True(await bob.Page.EvaluateAsync<bool>("() => state.socket.recovered"));
    }

    [Fact]
    public async Task History_survives_a_server_restart()
    {
        var history = ChatProcess.NewHistoryPath();
        try
        {
            await using (var first = await ChatScene.StartAsync(history))
            {
                var alice = await first.EnterAsync("alice");
                await alice.SendAsync("remember me");
                await Expect(alice.Message("alice", "remember me").Locator(".state")).ToHaveTextAsync("✓ delivered");
            }

            await using var second = await ChatScene.StartAsync(history);
            var bob = await second.EnterAsync("bob");

            await Expect(bob.Message("alice", "remember me")).ToHaveCountAsync(1);
        }
        finally
        {
            ChatProcess.DeleteHistory(history);
        }
    }

    [Fact]
    public async Task The_typing_indicator_appears_and_clears()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");
        var bob = await scene.EnterAsync("bob");

        await alice.Page.GetByTestId("text").PressSequentiallyAsync("hel");
        await Expect(bob.Typing).ToHaveTextAsync("alice is typing…");

        await alice.Page.GetByTestId("send").ClickAsync();
        await Expect(bob.Typing).ToHaveTextAsync("");
        await Expect(bob.Message("alice", "hel")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_graceful_shutdown_is_announced_on_the_page()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");

        await scene.Chat.StopAsync();

        await Expect(alice.Page.GetByTestId("notice")).ToHaveTextAsync("The server is shutting down");
        await Expect(alice.Status).Not.ToHaveTextAsync("connected");
    }

    [Fact]
    public async Task The_page_fits_a_phone_screen_and_its_screenshot_is_the_readme_image()
    {
        await using var scene = await ChatScene.StartAsync();
        var alice = await scene.EnterAsync("alice");
        var bob = await scene.EnterAsync("bob", phone: true);
        await alice.SendAsync("Hi Bob! Did the deploy go out?");
        await Expect(bob.Message("alice", "Hi Bob! Did the deploy go out?")).ToHaveCountAsync(1);
        await bob.SendAsync("Yes, 5 minutes ago. All green.");
        await Expect(alice.Message("bob", "Yes, 5 minutes ago. All green.")).ToHaveCountAsync(1);
        await bob.Page.GetByTestId("text").PressSequentiallyAsync("Shipping the");
        await Expect(alice.Typing).ToHaveTextAsync("bob is typing…");

        var width = await bob.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page is {width} px wide on a 390 px screen.");
        await Expect(bob.Page.GetByTestId("send")).ToBeInViewportAsync();

        // The README's image; SWITCHBOARD_UPDATE_SCREENSHOT=1 writes it over docs/chat.png.
        var screenshot = Environment.GetEnvironmentVariable("SWITCHBOARD_UPDATE_SCREENSHOT") == "1"
            ? Path.Combine(RepositoryFolder.Find("docs", "chat.png"), "chat.png")
            : Path.Combine(AppContext.BaseDirectory, "chat.png");
        await alice.Page.ScreenshotAsync(new() { Path = screenshot });
    }
}
