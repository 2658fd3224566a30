using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchboard.EngineIO;

/// <summary>
/// The cookie that carries the session id on the handshake response, so a load balancer can keep
/// every request of a long-polling session on the same server (cookie-based sticky sessions).
/// Same as Node's <c>cookie</c> option; set <see cref="EngineOptions.Cookie"/> to send it.
/// </summary>
/// <remarks>
/// As in the reference, only the response to a handshake over long-polling carries the cookie:
/// the reference never adds it to a WebSocket's 101 response, and a WebSocket-only session has
/// no later request to route. The header is written the way the reference writes it:
/// <c>io=&lt;sid&gt;; Path=/; HttpOnly; SameSite=Lax</c>.
/// </remarks>
public sealed class EngineCookieOptions
{
    /// <summary>The cookie's name. Reference default: <c>io</c>.</summary>
    public string Name { get; set; } = "io";

    /// <summary>The cookie's <c>Path</c> attribute; null sends none. Reference default: <c>/</c>.</summary>
    public string? Path { get; set; } = "/";

    /// <summary>The cookie's <c>Domain</c> attribute; null sends none. Reference default: none.</summary>
    public string? Domain { get; set; }

    /// <summary>
    /// Whether the cookie is <c>HttpOnly</c> (hidden from page scripts). Null (the default) means
    /// the reference's default: true when <see cref="Path"/> is set, false when it is null.
    /// </summary>
    public bool? HttpOnly { get; set; }

    /// <summary>Whether the cookie is <c>Secure</c> (sent over HTTPS only). Reference default: false.</summary>
    public bool Secure { get; set; }

    /// <summary>
    /// The cookie's <c>SameSite</c> attribute; <see cref="SameSiteMode.Unspecified"/> sends none.
    /// Reference default: <see cref="SameSiteMode.Lax"/>.
    /// </summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>The cookie's <c>Max-Age</c>, in whole seconds; null sends none (a session cookie). Reference default: none.</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>The cookie's <c>Expires</c> date; null sends none. Reference default: none.</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>Throws if a setting would write a malformed <c>Set-Cookie</c> header.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(Name) || !Name.All(IsTokenChar))
        {
            throw new ArgumentException($"EngineOptions.Cookie.Name \"{Name}\" is not a valid cookie name (an RFC 6265 token: no spaces, separators or control characters).");
        }

        CheckAttribute(Path, nameof(Path));
        CheckAttribute(Domain, nameof(Domain));
        if (MaxAge < TimeSpan.Zero)
        {
            throw new ArgumentException($"EngineOptions.Cookie.MaxAge is negative ({MaxAge}).");
        }
    }

    /// <summary>The <c>Set-Cookie</c> value for session <paramref name="sid"/>, attributes in the reference's order.</summary>
    internal string Format(string sid)
    {
        // A sid is URL-safe base64, which needs no escaping in a cookie value.
        var header = new StringBuilder(Name).Append('=').Append(sid);
        if (MaxAge is { } maxAge)
        {
            header.Append("; Max-Age=").Append(((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(Domain))
        {
            header.Append("; Domain=").Append(Domain);
        }

        if (!string.IsNullOrEmpty(Path))
        {
            header.Append("; Path=").Append(Path);
        }

        if (Expires is { } expires)
        {
            header.Append("; Expires=").Append(expires.ToString("R", CultureInfo.InvariantCulture));
        }

        if (HttpOnly ?? Path is not null)
        {
            header.Append("; HttpOnly");
        }

        if (Secure)
        {
            header.Append("; Secure");
        }

        var sameSite = SameSite switch
        {
            SameSiteMode.Lax => "Lax",
            SameSiteMode.Strict => "Strict",
            SameSiteMode.None => "None",
            _ => null,
        };
        if (sameSite is not null)
        {
            header.Append("; SameSite=").Append(sameSite);
        }

        return header.ToString();
    }

    private static void CheckAttribute(string? value, string name)
    {
        if (value is not null && value.Any(c => c == ';' || char.IsControl(c) || c > '\u007e'))
        {
            throw new ArgumentException($"EngineOptions.Cookie.{name} \"{value}\" contains a ';', a control character or a non-ASCII character.");
        }
    }

    // RFC 6265 cookie-name = token (RFC 2616): visible ASCII except separators.
    private static bool IsTokenChar(char c) => c is > ' ' and < '\u007f' && !"()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal);
}
