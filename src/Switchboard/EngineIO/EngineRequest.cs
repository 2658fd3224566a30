using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Switchboard.Connections;

namespace Switchboard.EngineIO;

/// <summary>
/// What the request that opened a session said: a copy taken at handshake time, because ASP.NET
/// Core recycles the <see cref="HttpContext"/> once that request ends while the session lives on.
/// </summary>
public sealed class EngineRequest
{
    private readonly RequestCopy? _copy;
    private readonly IHeaderDictionary? _headers;
    private readonly IQueryCollection? _query;
    private readonly IPAddress? _remoteAddress;
    private readonly bool _secure;
    private readonly ClaimsPrincipal? _user;
    private string? _url;

    internal EngineRequest(HttpContext context)
    {
        _copy = new RequestCopy(context);
        Issued = DateTimeOffset.UtcNow;
    }

    /// <summary>Describes a request another server received, as a scale-out adapter reports it; the user is anonymous.</summary>
    internal EngineRequest(IHeaderDictionary headers, IQueryCollection query, string url, IPAddress? remoteAddress, bool secure, DateTimeOffset issued)
    {
        _headers = headers;
        _query = query;
        _url = url;
        _remoteAddress = remoteAddress;
        _secure = secure;
        _user = new ClaimsPrincipal(new ClaimsIdentity());
        Issued = issued;
    }

    /// <summary>The request headers.</summary>
    public IHeaderDictionary Headers => _headers ?? _copy!.Headers;

    /// <summary>The query string parameters (including <c>EIO</c>, <c>transport</c> and the client's own).</summary>
    public IQueryCollection Query => _query ?? _copy!.Query;

    /// <summary>The path and query of the request.</summary>
    public string Url => _url ??= _copy!.Path + _copy.QueryString;

    /// <summary>The client's IP address, if known.</summary>
    public IPAddress? RemoteAddress => _copy is null ? _remoteAddress : _copy.RemoteIpAddress;

    /// <summary>True when the request came over HTTPS.</summary>
    public bool Secure => _copy?.IsHttps ?? _secure;

    /// <summary>The user ASP.NET Core authentication established for the request.</summary>
    public ClaimsPrincipal User => _copy?.User ?? _user!;

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Issued { get; }
}
