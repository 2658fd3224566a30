using System.Collections.Concurrent;
using System.Globalization;

namespace Switchboard.Chat;

/// <summary>The nicknames in use, so no two clients share one (compared without case).</summary>
public sealed class Nicknames
{
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.OrdinalIgnoreCase);
    private int _guests;

    /// <summary>Claims <paramref name="nickname"/> for <paramref name="owner"/>; false when someone else holds it.</summary>
    public bool TryClaim(string nickname, string owner) =>
        _owners.GetOrAdd(nickname, owner) == owner;

    /// <summary>Gives back a nickname held by <paramref name="owner"/>.</summary>
    public void Release(string nickname, string owner) =>
        _owners.TryRemove(new KeyValuePair<string, string>(nickname, owner));

    /// <summary>A free guest nickname (<c>guest-1</c>, <c>guest-2</c>, …) claimed for <paramref name="owner"/>.</summary>
    public string ClaimGuest(string owner)
    {
        while (true)
        {
            var nickname = "guest-" + Interlocked.Increment(ref _guests).ToString(CultureInfo.InvariantCulture);
            if (TryClaim(nickname, owner))
            {
                return nickname;
            }
        }
    }
}
