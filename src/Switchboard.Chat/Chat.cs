using Microsoft.Extensions.Options;
using Switchboard.WebSockets;

namespace Switchboard.Chat;

/// <summary>
/// The Ratchet tutorial's chat for plain WebSocket clients, with the tutorial's log lines, taking
/// part in the default room: a client's text appears there as from <c>ws-{id}</c>, and the room's
/// messages reach it as <c>nick: text</c>.
/// </summary>
public sealed partial class Chat(ChatServer chat, IOptions<ChatOptions> options, ILogger<Chat> logger) : IMessageComponent
{
    private readonly string _room = options.Value.DefaultRoom;

    /// <summary>The nickname a plain WebSocket client has in the chat.</summary>
    public static string Nickname(IConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return $"ws-{connection.Id}";
    }

    /// <inheritdoc/>
    public Task OnOpenAsync(IConnection connection)
    {
        chat.WebSocketClients.Add(connection);
        LogOpened(connection.Id);
        return chat.AnnouncePresenceAsync(Nickname(connection), _room, "joined");
    }

    /// <inheritdoc/>
    public async Task OnMessageAsync(IConnection from, WebSocketMessage message)
    {
        if (!message.IsText)
        {
            LogBinaryIgnored(from.Id);
            return;
        }

        var text = message.ToString();
        var others = chat.WebSocketClients.Count - 1;
        LogMessage(from.Id, text, others, others == 1 ? "" : "s");
        await chat.PostAsync(_room, Nickname(from), text, origin: from).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task OnCloseAsync(IConnection connection)
    {
        chat.WebSocketClients.Remove(connection);
        LogClosed(connection.Id);
        return chat.AnnouncePresenceAsync(Nickname(connection), _room, "left");
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

    [LoggerMessage(5, LogLevel.Information, "Connection {Id} sent a binary message; the chat takes text only")]
    private partial void LogBinaryIgnored(long id);
}
