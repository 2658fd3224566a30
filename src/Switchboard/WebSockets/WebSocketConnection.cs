using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Buffers;
using Switchboard.Connections;

namespace Switchboard.WebSockets;

/// <summary>
/// A plain WebSocket connection: a receive loop that hands complete messages to the component one
/// at a time, and a bounded send queue drained by a single writer loop.
/// </summary>
internal sealed class WebSocketConnection : IConnection
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly MessageSender _sender;
    private readonly RequestCopy _request;
    private readonly WebSocketComponentOptions _options;
    private readonly ILogger _logger;
    private readonly SendQueue<(ReadOnlyMemory<byte> Data, WebSocketMessageType Type)> _outbox;
    private Dictionary<object, object?>? _items;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string? _closeReason;
    private int _closing;
    private Task _writer = Task.CompletedTask;

    public WebSocketConnection(long id, WebSocket socket, MessageSender sender, RequestCopy request, WebSocketComponentOptions options, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _sender = sender;
        _request = request;
        _options = options;
        _logger = logger;
        _outbox = new SendQueue<(ReadOnlyMemory<byte>, WebSocketMessageType)>(options.MaxSendQueueLength);
    }

    public long Id { get; }

    public IPAddress? RemoteAddress => _request.RemoteIpAddress;

    public HttpRequest Request => _request.Context.Request;

    public ClaimsPrincipal User => _request.User;

    public string? SubProtocol => _socket.SubProtocol;

    public IDictionary<object, object?> Items => _items ??= [];

    public bool IsOpen => Volatile.Read(ref _closing) == 0;

    public bool Send(string text) => Send(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public bool Send(ReadOnlyMemory<byte> data, WebSocketMessageType type)
    {
        if (type == WebSocketMessageType.Close)
        {
            throw new ArgumentOutOfRangeException(nameof(type), "Use CloseAsync to close.");
        }

        if (!IsOpen)
        {
            return false;
        }

        if (TryWriteThrough(data, type) || _outbox.TryWrite((data, type)))
        {
            return true;
        }

        WebSocketLog.SendQueueFull(_logger, Id, _options.MaxSendQueueLength);
        Close(WebSocketCloseStatus.PolicyViolation, "send queue full", discardQueued: true);
        return false;
    }

    public Task SendAsync(string text)
    {
        Send(text);
        return Task.CompletedTask;
    }

    public Task SendAsync(ReadOnlyMemory<byte> data)
    {
        Send(data, WebSocketMessageType.Binary);
        return Task.CompletedTask;
    }

    public Task CloseAsync(WebSocketCloseStatus code = WebSocketCloseStatus.NormalClosure, string? reason = null)
    {
        Close(code, reason, discardQueued: false);
        return _writer;
    }

    /// <summary>Serves the connection until it closes; the component hears of every step.</summary>
    public async Task RunAsync(IMessageComponent component)
    {
        WebSocketLog.Opened(_logger, Id, RemoteAddress?.ToString());
        _writer = WriteLoopAsync();
        await InvokeAsync(component, static (c, self, _) => c.OnOpenAsync(self), default).ConfigureAwait(false);
        using var reader = new WebSocketMessageReader(_socket, _options.MaxMessageSize);
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync().ConfigureAwait(false);
                if (read == WebSocketRead.Ended)
                {
                    break;
                }

                if (read == WebSocketRead.Close)
                {
                    // RFC 6455 §5.5.1: the answering close frame echoes the status code received;
                    // like Node's ws, the reason too. A close without a status is answered with 1000:
                    // .NET would put 1005 on the wire, which §7.4.1 forbids.
                    if (_socket.CloseStatus is { } status && status != WebSocketCloseStatus.Empty)
                    {
                        Close(status, _socket.CloseStatusDescription, discardQueued: false);
                    }

                    break;
                }

                if (read == WebSocketRead.TooBig)
                {
                    WebSocketLog.MessageTooBig(_logger, Id, _options.MaxMessageSize);
                    Close(WebSocketCloseStatus.MessageTooBig, "message too big", discardQueued: true);
                    break;
                }

                var message = new WebSocketMessage(reader.Message, reader.MessageType == WebSocketMessageType.Text);
                await InvokeAsync(component, static (c, self, m) => c.OnMessageAsync(self, m), message).ConfigureAwait(false);
            }
        }
        catch (WebSocketException e)
        {
            // Protocol violations (1002), invalid UTF-8 (1007) and unanswered pings end here; .NET has already closed or aborted.
            WebSocketLog.ProtocolError(_logger, Id, e.WebSocketErrorCode, e);
        }
        catch (OperationCanceledException)
        {
            // Aborted after a close the client never answered.
        }

        Close(_closeStatus, _closeReason, discardQueued: false);
        await _writer.ConfigureAwait(false);
        try
        {
            await component.OnCloseAsync(this).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            WebSocketLog.CloseHandlerFailed(_logger, Id, e);
        }

        WebSocketLog.Closed(_logger, Id);
    }

    private async Task InvokeAsync(IMessageComponent component, Func<IMessageComponent, IConnection, WebSocketMessage, Task> handler, WebSocketMessage message)
    {
        try
        {
            await handler(component, this, message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            try
            {
                await component.OnErrorAsync(this, e).ConfigureAwait(false);
            }
            catch (Exception inner)
            {
                WebSocketLog.ErrorHandlerFailed(_logger, Id, inner);
                Close(WebSocketCloseStatus.InternalServerError, "internal error", discardQueued: true);
            }
        }
    }

    /// <summary>Stops accepting sends; the writer sends what is left (unless discarded), then the close frame.</summary>
    private void Close(WebSocketCloseStatus status, string? reason, bool discardQueued)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closeStatus = status;
        _closeReason = reason;
        if (discardQueued)
        {
            _outbox.Clear();
        }

        _outbox.Complete();

        // A client that never reads or never answers the close frame is cut off. The abort ends
        // both loops, so no cancellation token is held while the connection is idle.
        _ = DrainBeforeAbort.AbortLaterAsync(_socket.Abort, CloseGrace);
    }

    /// <summary>Writes a message from the sending thread when nothing waits in the outbox (see <see cref="MessageSender"/>).</summary>
    private bool TryWriteThrough(ReadOnlyMemory<byte> data, WebSocketMessageType type)
    {
        if (!_sender.TryBeginWriteThrough(_outbox))
        {
            return false;
        }

        _sender.WriteThrough(data, type);
        _sender.EndWriteThrough();
        return true;
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _outbox.WaitToReadAsync().ConfigureAwait(false))
            {
                await _sender.BeginBatchAsync().ConfigureAwait(false);
                while (_outbox.TryRead(out var item))
                {
                    await _sender.SendAsync(item.Data, item.Type, WebSocketMessageFlags.EndOfMessage).ConfigureAwait(false);
                }

                await _sender.FlushAsync().ConfigureAwait(false);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }
}
