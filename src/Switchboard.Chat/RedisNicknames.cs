using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace Switchboard.Chat;

/// <summary>
/// The nicknames in use across every chat server on one Redis. Each is a key <c>switchboard-chat:nick:{NICKNAME}</c>
/// (upper case, so the comparison ignores case) holding the owner's socket id, taken with <c>SET NX</c> and deleted
/// only by its owner. A claim is a lease of <see cref="Lease"/>, which the claiming server renews every third of
/// it while the owner is connected: the nicknames of a server that dies without giving them back are free again
/// within a minute, instead of taken for ever. Guest numbers come from one counter (<c>switchboard-chat:guests</c>),
/// so two servers never offer the same one.
/// </summary>
public sealed partial class RedisNicknames : INicknames, IAsyncDisposable
{
    /// <summary>How long a claim lasts unless its server renews it: 60 s.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private const string KeyPrefix = "switchboard-chat:nick:";
    private static readonly RedisKey GuestCounter = "switchboard-chat:guests";
    private readonly IDatabase _redis;
    private readonly ILogger<RedisNicknames> _logger;
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _renewing;

    /// <summary>Keeps the nicknames in the Redis of <paramref name="redis"/> and starts renewing this server's claims.</summary>
    public RedisNicknames(IConnectionMultiplexer redis, ILogger<RedisNicknames> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis.GetDatabase();
        _logger = logger;
        _renewing = RenewAsync(_stopping.Token);
    }

    /// <inheritdoc/>
    public async Task<bool> TryClaimAsync(string nickname, string owner)
    {
        var key = KeyPrefix + nickname.ToUpperInvariant();
        // The owner may hold it already: a recovered socket claims its nickname again.
        if (!await _redis.LockTakeAsync(key, owner, Lease).ConfigureAwait(false)
            && !await _redis.LockExtendAsync(key, owner, Lease).ConfigureAwait(false))
        {
            return false;
        }

        _held[key] = owner;
        return true;
    }

    /// <inheritdoc/>
    public async Task ReleaseAsync(string nickname, string owner)
    {
        var key = KeyPrefix + nickname.ToUpperInvariant();
        _held.TryRemove(new KeyValuePair<string, string>(key, owner));
        await _redis.LockReleaseAsync(key, owner).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string> ClaimGuestAsync(string owner)
    {
        while (true)
        {
            var number = await _redis.StringIncrementAsync(GuestCounter).ConfigureAwait(false);
            var nickname = "guest-" + number.ToString(CultureInfo.InvariantCulture);
            if (await TryClaimAsync(nickname, owner).ConfigureAwait(false))
            {
                return nickname;
            }
        }
    }

    /// <summary>Stops renewing; the claims still held lapse after <see cref="Lease"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                foreach (var (key, owner) in _held)
                {
                    await RenewAsync(key, owner).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync(string key, string owner)
    {
        try
        {
            // Only extended, never taken again: a claim that lapsed (Redis was down longer than the lease, or lost its
            // data) may belong to someone else by now. Its holder keeps the name, but no longer exclusively.
            if (!await _redis.LockExtendAsync(key, owner, Lease).ConfigureAwait(false)
                && _held.TryRemove(new KeyValuePair<string, string>(key, owner)))
            {
                LogLapsed(key[KeyPrefix.Length..], owner);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRenewalFailed(key[KeyPrefix.Length..], e);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The claim of {Owner} on nickname {Nickname} lapsed in Redis; another client may take it")]
    private partial void LogLapsed(string nickname, string owner);

    [LoggerMessage(2, LogLevel.Warning, "Renewing the claim on nickname {Nickname} failed; retrying at the next renewal")]
    private partial void LogRenewalFailed(string nickname, Exception exception);
}
