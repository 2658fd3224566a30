using System.Net;

namespace Switchboard.Server.Tests.Harness;

/// <summary>Assertions on the reference server's answers.</summary>
public static class EngineAssert
{
    /// <summary>The message of each Engine.IO error code, as the reference writes it.</summary>
    public static string Message(int code) => code switch
    {
        0 => "Transport unknown",
        1 => "Session ID unknown",
        2 => "Bad handshake method",
        3 => "Bad request",
        4 => "Forbidden",
        5 => "Unsupported protocol version",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    /// <summary>An Engine.IO error response: status, <c>application/json</c> and the exact body.</summary>
    public static async Task ErrorAsync(HttpResponseMessage response, int code)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(code == 4 ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal($$"""{"code":{{code}},"message":"{{Message(code)}}"}""", await response.Content.ReadAsStringAsync());
    }

    /// <summary>An Engine.IO error response, from a status and body.</summary>
    public static void Error((HttpStatusCode Status, string Body) response, int code)
    {
        Assert.Equal(code == 4 ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($$"""{"code":{{code}},"message":"{{Message(code)}}"}""", response.Body);
    }

    /// <summary>The answer to a request on a closed or never-opened session.</summary>
    public static void UnknownSid((HttpStatusCode Status, string Body) response) => Error(response, 1);

    /// <summary>A POST's answer: 200 <c>ok</c>.</summary>
    public static void Ok((HttpStatusCode Status, string Body) response)
        => Assert.Equal((HttpStatusCode.OK, "ok"), response);

    /// <summary>A GET's answer: 200 with the given payload.</summary>
    public static void Payload(string expected, (HttpStatusCode Status, string Body) response)
        => Assert.Equal((HttpStatusCode.OK, expected), response);
}
