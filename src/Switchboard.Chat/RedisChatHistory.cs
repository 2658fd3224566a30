using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Switchboard.Chat;

/// <summary>
/// The history of a chat cluster, in Redis, so every server shows the same: one list per room,
/// <c>switchboard-chat:history:{room}</c>, of messages as clients receive them (JSON <c>{ id, room, from, text, time }</c>),
/// oldest first. Adding is <c>RPUSH</c> then <c>LTRIM</c> to the last <see cref="ChatOptions.HistoryLength"/>, in one
/// transaction; reading is one <c>LRANGE</c>. A list rather than a stream: the history is read whole and never by
/// position, and a list trims to an exact length.
/// </summary>
public sealed class RedisChatHistory(IConnectionMultiplexer redis, IOptions<ChatOptions> options) : IChatHistory
{
    private const string KeyPrefix = "switchboard-chat:history:";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IDatabase _redis = redis.GetDatabase();
    private readonly int _length = options.Value.HistoryLength;

    /// <inheritdoc/>
    public async Task AddAsync(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        RedisKey key = KeyPrefix + message.Room;
        var transaction = _redis.CreateTransaction();
        _ = transaction.ListRightPushAsync(key, JsonSerializer.Serialize(message, Json));
        _ = transaction.ListTrimAsync(key, -_length, -1);
        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ChatMessage>> RecentAsync(string room)
    {
        var items = await _redis.ListRangeAsync(KeyPrefix + room, -_length, -1).ConfigureAwait(false);
        var messages = new List<ChatMessage>(items.Length);
        foreach (var item in items)
        {
            messages.Add(JsonSerializer.Deserialize<ChatMessage>(item.ToString(), Json)!);
        }

        return messages;
    }
}
