using System.Net;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>CORS: off by default (no headers), applied to every request when a policy is set.</summary>
public sealed class CorsTests
{
    private const string Origin = "http://example.test";

    private static EngineOptions WithCors() => new()
    {
        Cors = new CorsPolicyBuilder().WithOrigins(Origin).AllowCredentials().Build(),
    };

    private static HttpRequestMessage Request(HttpMethod method, Polling polling, string query, string origin = Origin)
    {
        var request = new HttpRequestMessage(method, polling.Url(query));
        request.Headers.Add("Origin", origin);
        return request;
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_gets_204_with_the_allow_headers()
    {
        await using var server = await TestServer.StartAsync(engineOptions: WithCors());
        using var polling = server.Polling();
        using var preflight = Request(HttpMethod.Options, polling, "EIO=4&transport=polling");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await polling.Http.SendAsync(preflight).WithTimeout();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.Equal(0, server.Engine.ClientsCount);
    }

    [Fact]
    public async Task A_handshake_from_an_allowed_origin_carries_the_allow_origin_header()
    {
        await using var server = await TestServer.StartAsync(engineOptions: WithCors());
        using var polling = server.Polling();
        using var request = Request(HttpMethod.Get, polling, "EIO=4&transport=polling");

        using var response = await polling.Http.SendAsync(request).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{", await response.Content.ReadAsStringAsync().WithTimeout(), StringComparison.Ordinal);
        Assert.Equal(Origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
    }

    [Fact]
    public async Task An_error_answer_to_an_allowed_origin_carries_the_allow_origin_header()
    {
        await using var server = await TestServer.StartAsync(engineOptions: WithCors());
        using var polling = server.Polling();
        using var request = Request(HttpMethod.Get, polling, "EIO=4&transport=polling&sid=nope");

        using var response = await polling.Http.SendAsync(request).WithTimeout();

        await EngineAssert.ErrorAsync(response, 1);
        Assert.Equal(Origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task A_policy_without_credentials_sends_no_allow_credentials_header()
    {
        var options = new EngineOptions { Cors = new CorsPolicyBuilder().WithOrigins(Origin).Build() };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();
        using var preflight = Request(HttpMethod.Options, polling, "EIO=4&transport=polling");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var request = Request(HttpMethod.Get, polling, "EIO=4&transport=polling");

        using var preflightResponse = await polling.Http.SendAsync(preflight).WithTimeout();
        using var response = await polling.Http.SendAsync(request).WithTimeout();

        foreach (var answer in new[] { preflightResponse, response })
        {
            Assert.Equal(Origin, Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));
        }
    }

    [Fact]
    public async Task A_policy_for_any_origin_allows_every_origin_with_a_star()
    {
        var options = new EngineOptions { Cors = new CorsPolicyBuilder().AllowAnyOrigin().AllowAnyMethod().AllowAnyHeader().Build() };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();
        using var preflight = Request(HttpMethod.Options, polling, "EIO=4&transport=polling", "http://anywhere.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await polling.Http.SendAsync(preflight).WithTimeout();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("POST", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_request_from_another_origin_gets_no_allow_origin_header()
    {
        await using var server = await TestServer.StartAsync(engineOptions: WithCors());
        using var polling = server.Polling();
        using var request = Request(HttpMethod.Get, polling, "EIO=4&transport=polling", "http://elsewhere.test");

        using var response = await polling.Http.SendAsync(request).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_a_policy_no_cors_header_is_sent()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        using var request = Request(HttpMethod.Get, polling, "EIO=4&transport=polling");

        using var response = await polling.Http.SendAsync(request).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_a_policy_a_preflight_is_a_bad_handshake_method()
    {
        await using var server = await TestServer.StartAsync();
        using var polling = server.Polling();
        using var preflight = Request(HttpMethod.Options, polling, "EIO=4&transport=polling");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");

        using var response = await polling.Http.SendAsync(preflight).WithTimeout();

        await EngineAssert.ErrorAsync(response, 2);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
