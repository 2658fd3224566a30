using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Switchboard.Chat;

/// <summary>The embedded default history: one SQLite file, the latest messages of each room.</summary>
public sealed class SqliteChatHistory : IChatHistory
{
    private readonly string _connectionString;
    private readonly int _length;
    // SQLite takes one writer at a time; queueing writers here avoids busy errors under load.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>Opens (creating if needed) the file named by <see cref="ChatOptions.HistoryPath"/>.</summary>
    public SqliteChatHistory(IOptions<ChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.GetFullPath(options.Value.HistoryPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _length = options.Value.HistoryLength;
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL, room TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, time INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS messages_by_room ON messages (room, seq);
            """);
    }

    /// <inheritdoc/>
    public async Task AddAsync(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO messages (id, room, sender, text, time) VALUES ($id, $room, $sender, $text, $time);
                DELETE FROM messages WHERE room = $room AND seq NOT IN
                    (SELECT seq FROM messages WHERE room = $room ORDER BY seq DESC LIMIT $length);
                """;
            command.Parameters.AddWithValue("$id", message.Id);
            command.Parameters.AddWithValue("$room", message.Room);
            command.Parameters.AddWithValue("$sender", message.From);
            command.Parameters.AddWithValue("$text", message.Text);
            command.Parameters.AddWithValue("$time", message.Time);
            command.Parameters.AddWithValue("$length", _length);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ChatMessage>> RecentAsync(string room)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, room, sender, text, time FROM
                (SELECT * FROM messages WHERE room = $room ORDER BY seq DESC LIMIT $length)
            ORDER BY seq;
            """;
        command.Parameters.AddWithValue("$room", room);
        command.Parameters.AddWithValue("$length", _length);
        var messages = new List<ChatMessage>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            messages.Add(new ChatMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
        }

        return messages;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
