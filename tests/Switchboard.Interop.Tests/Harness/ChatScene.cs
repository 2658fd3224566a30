namespace Switchboard.Interop.Tests.Harness;

/// <summary>A chat server process and a browser, with users entering the chat on their own pages.</summary>
internal sealed class ChatScene : IAsyncDisposable
{
    private ChatScene(ChatProcess chat, Browser browser)
    {
        Chat = chat;
        Browser = browser;
    }

    public ChatProcess Chat { get; }

    public Browser Browser { get; }

    /// <summary>Starts the server (on <paramref name="historyPath"/> when given) and the browser.</summary>
    public static async Task<ChatScene> StartAsync(string? historyPath = null)
    {
        var chat = await ChatProcess.StartAsync(historyPath);
        try
        {
            return new ChatScene(chat, await Browser.LaunchAsync());
        }
        catch
        {
            await chat.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a page and enters the chat as <paramref name="nick"/>.</summary>
    public async Task<ChatPage> EnterAsync(string nick, bool phone = false)
    {
        var page = await Browser.OpenAsync(Chat.Url, phone);
        await page.EnterAsync(nick);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Chat.DisposeAsync();
    }
}
