namespace Switchboard.Chat;

/// <summary>Where each room's latest messages are kept, so that clients joining a room see them.</summary>
public interface IChatHistory
{
    /// <summary>Keeps a message, dropping the room's oldest beyond the configured length.</summary>
    Task AddAsync(ChatMessage message);

    /// <summary>The room's latest messages, oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> RecentAsync(string room);
}
