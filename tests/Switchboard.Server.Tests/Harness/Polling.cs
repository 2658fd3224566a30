using System.Net;
using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Tests.Harness;

/// <summary>Raw Engine.IO long-polling requests, for protocol tests.</summary>
public sealed class Polling(Uri baseUrl, string path = "/engine.io/") : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>The HTTP client, for requests the helpers do not cover.</summary>
    public HttpClient Http => _http;

    /// <summary>The request path, with the query string appended.</summary>
    public string Url(string query) => path + "?" + query;

    /// <summary>Opens a session and returns its sid and handshake JSON.</summary>
    public async Task<(string Sid, JsonElement Handshake)> HandshakeAsync(string extraQuery = "")
    {
        var (status, body) = await GetAsync("EIO=4&transport=polling" + extraQuery);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("0", body, StringComparison.Ordinal);
        var handshake = JsonDocument.Parse(body[1..]).RootElement.Clone();
        return (handshake.GetProperty("sid").GetString()!, handshake);
    }

    /// <summary>GET with the given query.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string query, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Url(query), cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Polls a session once.</summary>
    public Task<(HttpStatusCode Status, string Body)> PollAsync(string sid, CancellationToken cancellationToken = default)
        => GetAsync($"EIO=4&transport=polling&sid={sid}", cancellationToken);

    /// <summary>POSTs a payload to a session.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string sid, string payload, string contentType = "text/plain;charset=UTF-8")
        => await PostBytesAsync(sid, Encoding.UTF8.GetBytes(payload), contentType);

    /// <summary>POSTs raw bytes to a session.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostBytesAsync(string sid, byte[] payload, string contentType = "text/plain;charset=UTF-8")
    {
        using var content = new ByteArrayContent(payload);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _http.PostAsync(Url($"EIO=4&transport=polling&sid={sid}"), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
