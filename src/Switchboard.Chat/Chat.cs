using Switchboard.WebSockets;

namespace Switchboard.Chat;

/// <summary>
/// The Ratchet tutorial's chat for plain WebSocket clients: every message goes to every other
/// connected client, with the tutorial's log lines.
/// </summary>
public sealed partial class Chat(ILogger<Chat> logger) : IMessageComponent
{
    private readonly ConnectionSet _clients = new();

    /// <inheritdoc/>
    public Task OnOpenAsync(IConnection connection)
    {
        _clients.Add(connection);
        LogOpened(connection.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task OnMessageAsync(IConnection from, WebSocketMessage message)
    {
        var others = _clients.Count - 1;
        LogMessage(from.Id, message.ToString(), others, others == 1 ? "" : "s");
        _clients.Broadcast(message, except: from);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task OnCloseAsync(IConnection connection)
    {
        _clients.Remove(connection);
        LogClosed(connection.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task OnErrorAsync(IConnection connection, Exception exception)
    {
        LogError(exception.Message, exception);
        return connection.CloseAsync();
    }

    [LoggerMessage(1, LogLevel.Information, "New connection! ({Id})")]
    private partial void LogOpened(long id);

    [LoggerMessage(2, LogLevel.Information, "Connection {Id} sending message \"{Message}\" to {Count} other connection{Plural}")]
    private partial void LogMessage(long id, string message, int count, string plural);

    [LoggerMessage(3, LogLevel.Information, "Connection {Id} has disconnected")]
    private partial void LogClosed(long id);

    [LoggerMessage(4, LogLevel.Error, "An error has occurred: {Message}")]
    private partial void LogError(string message, Exception exception);
}
