using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>
/// <see cref="EngineOptions.Cookie"/>: the sid cookie on the polling handshake, written exactly as
/// the reference's own tests expect it; none by default, none on later requests or WebSockets.
/// </summary>
public sealed class CookieTests
{
    [Fact]
    public async Task No_cookie_is_sent_by_default()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions());
        using var polling = server.Polling();

        using var response = await polling.Http.GetAsync(polling.Url("EIO=4&transport=polling")).WithTimeout();

        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("defaults", "io={0}; Path=/; HttpOnly; SameSite=Lax")]
    [InlineData("name", "woot={0}; Path=/; HttpOnly; SameSite=Lax")]
    [InlineData("path", "io={0}; Path=/custom; HttpOnly; SameSite=Lax")]
    [InlineData("no path", "io={0}; SameSite=Lax")]
    [InlineData("no path, http only", "io={0}; HttpOnly; SameSite=Lax")]
    [InlineData("not http only", "io={0}; Path=/; SameSite=Lax")]
    [InlineData("strict", "io={0}; Path=/; HttpOnly; SameSite=Strict")]
    [InlineData("no same site", "io={0}; Path=/; HttpOnly")]
    [InlineData("everything", "io={0}; Max-Age=3600; Domain=example.test; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly; Secure; SameSite=None")]
    public async Task The_polling_handshake_sets_the_sid_cookie_as_the_reference_writes_it(string setting, string expected)
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { Cookie = Cookie(setting) });
        using var polling = server.Polling();

        using var response = await polling.Http.GetAsync(polling.Url("EIO=4&transport=polling")).WithTimeout();
        var sid = SidOf(await response.Content.ReadAsStringAsync().WithTimeout());

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, sid), Assert.Single(response.Headers.GetValues("Set-Cookie")));
    }

    [Fact]
    public async Task Only_the_handshake_sets_the_cookie()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { Cookie = new() });
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        using var post = await polling.Http.PostAsync(polling.Url($"EIO=4&transport=polling&sid={sid}"), new StringContent("4hello")).WithTimeout();
        using var poll = await polling.Http.GetAsync(polling.Url($"EIO=4&transport=polling&sid={sid}")).WithTimeout();

        Assert.Equal("4hello", await poll.Content.ReadAsStringAsync().WithTimeout());
        Assert.False(post.Headers.Contains("Set-Cookie"));
        Assert.False(poll.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_websocket_handshake_sets_no_cookie_as_in_the_reference()
    {
        // The reference adds the cookie through the polling transport's headers event only; the
        // 101 of a WebSocket handshake never carries it.
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { Cookie = new() });

        using var socket = await ClientWebSockets.ConnectAsync(server.EngineWebSocketUrl(), o => o.CollectHttpResponseDetails = true);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.NotNull(socket.HttpResponseHeaders);
        Assert.False(socket.HttpResponseHeaders.ContainsKey("Set-Cookie"));
        Assert.Equal(1, server.Engine.ClientsCount);
    }

    [Theory]
    [InlineData("a b", "/")]
    [InlineData("", "/")]
    [InlineData("io;", "/")]
    [InlineData("io", "/a;b")]
    [InlineData("io", "/\r\nX-Injected: 1")]
    public void A_malformed_cookie_is_refused_when_the_server_is_created(string name, string path)
    {
        var options = new EngineOptions { Cookie = new() { Name = name, Path = path } };

        var error = Assert.Throws<ArgumentException>(() => new EngineServer(options));

        Assert.Contains("EngineOptions.Cookie", error.Message, StringComparison.Ordinal);
    }

    private static EngineCookieOptions Cookie(string setting) => setting switch
    {
        "defaults" => new(),
        "name" => new() { Name = "woot" },
        "path" => new() { Path = "/custom" },
        "no path" => new() { Path = null },
        "no path, http only" => new() { Path = null, HttpOnly = true },
        "not http only" => new() { HttpOnly = false },
        "strict" => new() { SameSite = SameSiteMode.Strict },
        "no same site" => new() { SameSite = SameSiteMode.Unspecified },
        "everything" => new()
        {
            MaxAge = TimeSpan.FromSeconds(3600.9),
            Domain = "example.test",
            Expires = new DateTimeOffset(2015, 10, 21, 9, 28, 0, TimeSpan.FromHours(2)),
            Secure = true,
            SameSite = SameSiteMode.None,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(setting)),
    };

    private static string SidOf(string openPacket) =>
        System.Text.Json.JsonDocument.Parse(openPacket[1..]).RootElement.GetProperty("sid").GetString()!;
}
