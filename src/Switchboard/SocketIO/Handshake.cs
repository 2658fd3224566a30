using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchboard.EngineIO;

namespace Switchboard.SocketIO;

/// <summary>What a client presented when it joined a namespace. Same as Node's <c>socket.handshake</c>.</summary>
public sealed class Handshake
{
    /// <summary>The auth payload of a client that sent none: an empty object, as in Node.</summary>
    internal static readonly JsonElement EmptyAuth = JsonDocument.Parse("{}").RootElement.Clone();

    internal Handshake(EngineRequest request, JsonElement? auth)
    {
        Request = request;
        Auth = auth ?? EmptyAuth;
    }

    /// <summary>
    /// Describes the handshake of a socket that another server holds, as a scale-out adapter reports it (the fields of
    /// Node's <c>socket.handshake</c>). Its <see cref="User"/> is anonymous: the other server's authentication does not travel.
    /// </summary>
    public Handshake(IHeaderDictionary headers, IQueryCollection query, string url, IPAddress? address, bool secure, DateTimeOffset issued, JsonElement auth)
        : this(new EngineRequest(headers, query, url, address, secure, issued), auth)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(url);
    }

    /// <summary>The auth payload of the CONNECT packet (<c>io(url, { auth })</c>); an empty object when none was sent.</summary>
    public JsonElement Auth { get; }

    /// <summary>The headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers => Request.Headers;

    /// <summary>The query parameters of the request that opened the connection.</summary>
    public IQueryCollection Query => Request.Query;

    /// <summary>The client's IP address, if known.</summary>
    public IPAddress? Address => Request.RemoteAddress;

    /// <summary>True when the connection came over HTTPS.</summary>
    public bool Secure => Request.Secure;

    /// <summary>The user ASP.NET Core authentication established for the opening request.</summary>
    public ClaimsPrincipal User => Request.User;

    /// <summary>When the connection was opened.</summary>
    public DateTimeOffset Issued => Request.Issued;

    /// <summary>The path and query of the opening request.</summary>
    public string Url => Request.Url;

    /// <summary>The whole Engine.IO request record.</summary>
    public EngineRequest Request { get; }

    /// <summary>Reads the auth payload as <typeparamref name="T"/>.</summary>
    public T? GetAuth<T>(JsonSerializerOptions? options = null) => Auth.Deserialize<T>(options ?? JsonSerializerOptions.Web);
}
