using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>The chat page as a user sees it: what they type and click, what they read.</summary>
internal sealed class ChatPage(IBrowserContext context, IPage page)
{
    public IBrowserContext Context => context;

    public IPage Page => page;

    public ILocator Status => page.GetByTestId("status");

    public ILocator LoginError => page.GetByTestId("login-error");

    public ILocator Messages => page.GetByTestId("message");

    public ILocator Members => page.GetByTestId("members").Locator("li");

    public ILocator Typing => page.GetByTestId("typing");

    /// <summary>Enters the chat under <paramref name="nick"/> without waiting for the server's answer.</summary>
    public async Task SubmitNicknameAsync(string nick)
    {
        await page.GetByTestId("nick").FillAsync(nick);
        await page.GetByTestId("enter").ClickAsync();
    }

    /// <summary>Enters the chat and waits until it shows the default room.</summary>
    public async Task EnterAsync(string nick)
    {
        await SubmitNicknameAsync(nick);
        await Expect(Status).ToHaveTextAsync("connected");
        await Expect(page.GetByTestId("me")).ToHaveTextAsync(nick);
        await Expect(page.GetByTestId("room-title")).ToHaveTextAsync("# general");
        await Expect(page.GetByTestId("login")).ToBeHiddenAsync();
    }

    public async Task SendAsync(string text)
    {
        await page.GetByTestId("text").FillAsync(text);
        await page.GetByTestId("send").ClickAsync();
    }

    public async Task JoinRoomAsync(string room)
    {
        await page.GetByTestId("room-name").FillAsync(room);
        await page.GetByTestId("join-room").ClickAsync();
        await Expect(page.GetByTestId("room-title")).ToHaveTextAsync("# " + room);
    }

    /// <summary>The message from <paramref name="from"/> with exactly <paramref name="text"/>.</summary>
    public ILocator Message(string from, string text) =>
        Messages.Filter(new() { Has = page.Locator(".from", new() { HasTextString = from }) })
            .Filter(new() { Has = page.Locator(".text").GetByText(text, new() { Exact = true }) });

    /// <summary>The texts of the messages shown, in order.</summary>
    public Task<IReadOnlyList<string>> MessageTextsAsync() => Messages.Locator(".text").AllTextContentsAsync();
}
