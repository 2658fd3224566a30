using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Switchboard.Connections;

/// <summary>
/// What a session or a component may read of an upgrade or handshake request after it has ended:
/// ASP.NET Core recycles the <see cref="HttpContext"/> when the request ends, and a WebSocket
/// outlives it. The copy holds the request's own strings in a few fields, since an idle connection
/// keeps it for as long as it lives; the ASP.NET Core shapes (header and query dictionaries, an
/// <see cref="HttpContext"/>, an anonymous user) are built when first asked for, once.
/// </summary>
internal sealed class RequestCopy
{
    private readonly KeyValuePair<string, StringValues>[] _headers;
    private ClaimsPrincipal? _user;
    private IHeaderDictionary? _headerDictionary;
    private IQueryCollection? _query;
    private HttpContext? _context;

    public RequestCopy(HttpContext context)
    {
        var request = context.Request;
        Method = request.Method;
        Scheme = request.Scheme;
        Protocol = request.Protocol;
        Host = request.Host;
        PathBase = request.PathBase;
        Path = request.Path;
        QueryString = request.QueryString;
        _headers = new KeyValuePair<string, StringValues>[request.Headers.Count];
        var i = 0;
        foreach (var header in request.Headers)
        {
            _headers[i++] = header;
        }

        var connection = context.Connection;
        RemoteIpAddress = connection.RemoteIpAddress;
        RemotePort = connection.RemotePort;
        LocalIpAddress = connection.LocalIpAddress;
        LocalPort = connection.LocalPort;

        // HttpContext.User makes up an anonymous principal when no authentication ran; that one is made on demand instead.
        _user = context.Features.Get<IHttpAuthenticationFeature>()?.User;
    }

    public string Method { get; }

    public string Scheme { get; }

    public string Protocol { get; }

    public HostString Host { get; }

    public PathString PathBase { get; }

    public PathString Path { get; }

    public QueryString QueryString { get; }

    public IPAddress? RemoteIpAddress { get; }

    public int RemotePort { get; }

    public IPAddress? LocalIpAddress { get; }

    public int LocalPort { get; }

    public bool IsHttps => string.Equals(Scheme, "https", StringComparison.OrdinalIgnoreCase);

    /// <summary>The authenticated user, or an anonymous principal when authentication set none (as <see cref="HttpContext.User"/>).</summary>
    public ClaimsPrincipal User => Once(ref _user, static _ => new ClaimsPrincipal(new ClaimsIdentity()));

    public IHeaderDictionary Headers => Once(ref _headerDictionary, static copy =>
    {
        var headers = new HeaderDictionary(copy._headers.Length);
        foreach (var (name, value) in copy._headers)
        {
            headers[name] = value;
        }

        return headers;
    });

    public IQueryCollection Query => Once(ref _query, static copy =>
        copy.QueryString.HasValue ? new QueryCollection(QueryHelpers.ParseQuery(copy.QueryString.Value)) : QueryCollection.Empty);

    /// <summary>A detached <see cref="HttpContext"/> with this request's line, headers, addresses and user.</summary>
    public HttpContext Context => Once(ref _context, static copy => copy.CreateContext());

    private T Once<T>(ref T? field, Func<RequestCopy, T> create)
        where T : class
    {
        if (Volatile.Read(ref field) is { } made)
        {
            return made;
        }

        var mine = create(this);
        return Interlocked.CompareExchange(ref field, mine, null) ?? mine;
    }

    private DefaultHttpContext CreateContext()
    {
        var context = new DefaultHttpContext { User = User };
        var request = context.Request;
        request.Method = Method;
        request.Scheme = Scheme;
        request.Protocol = Protocol;
        request.Host = Host;
        request.PathBase = PathBase;
        request.Path = Path;
        request.QueryString = QueryString;
        foreach (var (name, value) in _headers)
        {
            request.Headers[name] = value;
        }

        var connection = context.Connection;
        connection.RemoteIpAddress = RemoteIpAddress;
        connection.RemotePort = RemotePort;
        connection.LocalIpAddress = LocalIpAddress;
        connection.LocalPort = LocalPort;
        return context;
    }
}
