namespace Switchboard.Chat;

/// <summary>The chat's settings: section <c>Chat</c> of appsettings.json, or <c>Chat__*</c> environment variables.</summary>
public sealed class ChatOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Chat";

    /// <summary>
    /// The SQLite file that keeps each room's history. Default: <c>history.db</c> in the user's
    /// application data folder (<c>~/.local/share/switchboard-chat/</c> on Linux).
    /// </summary>
    public string HistoryPath { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "switchboard-chat",
        "history.db");

    /// <summary>How many of a room's latest messages are kept and shown on joining. Default: 100.</summary>
    public int HistoryLength { get; set; } = 100;

    /// <summary>The longest nickname accepted. Default: 32.</summary>
    public int MaxNicknameLength { get; set; } = 32;

    /// <summary>The longest message accepted, in characters. Default: 2,000.</summary>
    public int MaxMessageLength { get; set; } = 2000;

    /// <summary>
    /// Where Redis is (a StackExchange.Redis configuration string such as <c>127.0.0.1:6379</c>), for running
    /// several chat servers as one cluster; also <c>--redis host:port</c>. When set, the servers share broadcasts
    /// and presence through the Redis adapter on its default key (<c>socket.io</c>, so Node socket.io servers with
    /// @socket.io/redis-adapter on the same Redis take part), and keep the history (<see cref="RedisChatHistory"/>)
    /// and the nicknames in use (<see cref="RedisNicknames"/>) in Redis instead of SQLite and memory. Default: none,
    /// a single server.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>The room every client joins, and the one plain WebSocket clients talk in. Default: <c>general</c>.</summary>
    public string DefaultRoom { get; set; } = "general";
}
