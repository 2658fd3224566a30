using System.Collections.Concurrent;
using System.Globalization;

namespace Switchboard.Chat;

/// <summary>The nicknames in use on a single server, in memory.</summary>
public sealed class InMemoryNicknames : INicknames
{
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.OrdinalIgnoreCase);
    private int _guests;

    /// <inheritdoc/>
    public Task<bool> TryClaimAsync(string nickname, string owner) =>
        Task.FromResult(_owners.GetOrAdd(nickname, owner) == owner);

    /// <inheritdoc/>
    public Task ReleaseAsync(string nickname, string owner)
    {
        _owners.TryRemove(new KeyValuePair<string, string>(nickname, owner));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<string> ClaimGuestAsync(string owner)
    {
        while (true)
        {
            var nickname = "guest-" + Interlocked.Increment(ref _guests).ToString(CultureInfo.InvariantCulture);
            if (_owners.GetOrAdd(nickname, owner) == owner)
            {
                return Task.FromResult(nickname);
            }
        }
    }
}
