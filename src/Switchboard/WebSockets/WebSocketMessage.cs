using System.Text;

namespace Switchboard.WebSockets;

/// <summary>
/// One complete WebSocket message. Its <see cref="Data"/> is valid only until the handler's task
/// completes (the buffer is pooled); copy what must outlive it.
/// </summary>
public readonly struct WebSocketMessage
{
    internal WebSocketMessage(ReadOnlyMemory<byte> data, bool isText)
    {
        Data = data;
        IsText = isText;
    }

    /// <summary>True for a text message (valid UTF-8), false for a binary one.</summary>
    public bool IsText { get; }

    /// <summary>The payload: UTF-8 text or raw bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The payload decoded as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Data.Span);

    /// <inheritdoc/>
    public override string ToString() => IsText ? Text : $"binary message ({Data.Length} bytes)";
}
