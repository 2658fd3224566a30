using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Switchboard.EngineIO;

/// <summary>
/// What the request that opened a session said: a copy taken at handshake time, because ASP.NET
/// Core recycles the <see cref="HttpContext"/> once that request ends while the session lives on.
/// </summary>
public sealed class EngineRequest
{
    internal EngineRequest(HttpContext context)
    {
        var request = context.Request;
        Headers = new HeaderDictionary(request.Headers.Count);
        foreach (var header in request.Headers)
        {
            Headers[header.Key] = header.Value;
        }

        Query = request.Query;
        Url = request.Path + request.QueryString;
        RemoteAddress = context.Connection.RemoteIpAddress;
        Secure = request.IsHttps;
        User = context.User;
        Issued = DateTimeOffset.UtcNow;
    }

    /// <summary>Describes a request another server received, as a scale-out adapter reports it; the user is anonymous.</summary>
    internal EngineRequest(IHeaderDictionary headers, IQueryCollection query, string url, IPAddress? remoteAddress, bool secure, DateTimeOffset issued)
    {
        Headers = headers;
        Query = query;
        Url = url;
        RemoteAddress = remoteAddress;
        Secure = secure;
        User = new ClaimsPrincipal(new ClaimsIdentity());
        Issued = issued;
    }

    /// <summary>The request headers.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string parameters (including <c>EIO</c>, <c>transport</c> and the client's own).</summary>
    public IQueryCollection Query { get; }

    /// <summary>The path and query of the request.</summary>
    public string Url { get; }

    /// <summary>The client's IP address, if known.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>True when the request came over HTTPS.</summary>
    public bool Secure { get; }

    /// <summary>The user ASP.NET Core authentication established for the request.</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Issued { get; }
}
