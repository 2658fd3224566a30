using Microsoft.Playwright;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Headless Chromium (Debian's, at <c>CHROMIUM_PATH</c> or /usr/bin/chromium) driven by Playwright;
/// each page opens in its own context, so pages are separate users with separate network state.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    static Browser() => Assertions.SetDefaultExpectTimeout(15_000);

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens the chat page in a new context, at phone width when asked.</summary>
    public async Task<ChatPage> OpenAsync(string url, bool phone = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 760 } : new ViewportSize { Width = 1100, Height = 700 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        return new ChatPage(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
