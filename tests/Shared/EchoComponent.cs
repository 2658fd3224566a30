using System.Text;
using Switchboard.WebSockets;

namespace Switchboard.Testing;

/// <summary>One message a component received, copied out of the pooled buffer.</summary>
public sealed record ReceivedMessage(IConnection From, bool IsText, byte[] Data)
{
    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Data);

    /// <inheritdoc/>
    public override string ToString() => IsText ? $"#{From.Id} \"{Text}\"" : $"#{From.Id} {Data.Length} bytes";
}

/// <summary>An exception handed to <see cref="IMessageComponent.OnErrorAsync"/>.</summary>
public sealed record HandlerError(IConnection Connection, Exception Exception);

/// <summary>
/// A component that records every call it gets and, unless told otherwise, echoes each message
/// back to its sender (text with <paramref name="prefix"/> in front, binary as is). Tests replace
/// a handler through <see cref="OnOpen"/>, <see cref="OnMessage"/>, <see cref="OnClose"/> or <see cref="OnError"/>.
/// </summary>
public sealed class EchoComponent(string prefix = "") : IMessageComponent
{
    /// <summary>Connections as they opened, in order.</summary>
    public EventRecord<IConnection> Opened { get; } = new();

    /// <summary>Messages as they arrived.</summary>
    public EventRecord<ReceivedMessage> Messages { get; } = new();

    /// <summary>Connections as they closed.</summary>
    public EventRecord<IConnection> Closed { get; } = new();

    /// <summary>Exceptions handed to OnErrorAsync.</summary>
    public EventRecord<HandlerError> Errors { get; } = new();

    /// <summary>Runs after a connection is recorded as opened.</summary>
    public Func<IConnection, Task>? OnOpen { get; set; }

    /// <summary>Replaces the echo.</summary>
    public Func<IConnection, WebSocketMessage, Task>? OnMessage { get; set; }

    /// <summary>Runs before a connection is recorded as closed.</summary>
    public Func<IConnection, Task>? OnClose { get; set; }

    /// <summary>Runs after an error is recorded.</summary>
    public Func<IConnection, Exception, Task>? OnError { get; set; }

    /// <summary>An echo component that also keeps every open connection in <paramref name="clients"/>, for broadcasts.</summary>
    public static EchoComponent Tracking(ConnectionSet clients) => new()
    {
        OnOpen = c =>
        {
            clients.Add(c);
            return Task.CompletedTask;
        },
        OnClose = c =>
        {
            clients.Remove(c);
            return Task.CompletedTask;
        },
    };

    /// <summary>Waits until the connection with <paramref name="id"/> has closed.</summary>
    public Task<IConnection> ClosedAsync(long id, TimeSpan? timeout = null) => Closed.WaitForAsync(c => c.Id == id, timeout);

    /// <inheritdoc/>
    public Task OnOpenAsync(IConnection connection)
    {
        Opened.Add(connection);
        return OnOpen?.Invoke(connection) ?? Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task OnMessageAsync(IConnection from, WebSocketMessage message)
    {
        Messages.Add(new ReceivedMessage(from, message.IsText, message.Data.ToArray()));
        if (OnMessage is not null)
        {
            return OnMessage(from, message);
        }

        return message.IsText ? from.SendAsync(prefix + message.Text) : from.SendAsync(message.Data.ToArray());
    }

    /// <inheritdoc/>
    public async Task OnCloseAsync(IConnection connection)
    {
        // The hook first, so a test that saw the close also sees what the hook did.
        try
        {
            await (OnClose?.Invoke(connection) ?? Task.CompletedTask).ConfigureAwait(false);
        }
        finally
        {
            Closed.Add(connection);
        }
    }

    /// <inheritdoc/>
    public Task OnErrorAsync(IConnection connection, Exception exception)
    {
        Errors.Add(new HandlerError(connection, exception));
        return OnError?.Invoke(connection, exception) ?? Task.CompletedTask;
    }
}
