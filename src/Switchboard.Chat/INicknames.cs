namespace Switchboard.Chat;

/// <summary>The nicknames in use, so no two clients share one (compared without case).</summary>
public interface INicknames
{
    /// <summary>Claims <paramref name="nickname"/> for <paramref name="owner"/> (a socket id); false when someone else holds it.</summary>
    Task<bool> TryClaimAsync(string nickname, string owner);

    /// <summary>Gives back a nickname held by <paramref name="owner"/>; one held by someone else stays theirs.</summary>
    Task ReleaseAsync(string nickname, string owner);

    /// <summary>A free guest nickname (<c>guest-1</c>, <c>guest-2</c>, …) claimed for <paramref name="owner"/>.</summary>
    Task<string> ClaimGuestAsync(string owner);
}
