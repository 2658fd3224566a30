using System.Buffers;
using System.Net.WebSockets;

namespace Switchboard.Buffers;

/// <summary>The outcome of <see cref="WebSocketMessageReader.ReadAsync"/>.</summary>
internal enum WebSocketRead
{
    /// <summary>A whole message is in <see cref="WebSocketMessageReader.Message"/>.</summary>
    Message,

    /// <summary>The peer sent a close frame.</summary>
    Close,

    /// <summary>The message grew past the size limit; nothing of it is kept.</summary>
    TooBig,

    /// <summary>The connection ended without a close frame: the peer went away.</summary>
    Ended,
}

/// <summary>
/// Reads whole WebSocket messages (fragments reassembled) into a pooled buffer that is released
/// between messages: waiting for the next one is a zero-byte read, so an idle connection holds no
/// receive buffer at all.
/// </summary>
internal sealed class WebSocketMessageReader(WebSocket socket, int maxMessageSize) : IDisposable
{
    private const int InitialBufferSize = 4096;
    private byte[]? _buffer;
    private int _length;

    /// <summary>The message read last; valid until the next read or <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Message => _buffer.AsMemory(0, _length);

    /// <summary>The type of the message read last.</summary>
    public WebSocketMessageType MessageType { get; private set; }

    /// <summary>
    /// Reads the next whole message. A peer that went away is an outcome (<see cref="WebSocketRead.Ended"/>),
    /// not an exception: it is how most connections end, and an exception rethrown through every
    /// awaiting method costs each of them a stack trace.
    /// </summary>
    public async ValueTask<WebSocketRead> ReadAsync()
    {
        Release();
        try
        {
            var result = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketRead.Close;
            }

            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            while (!result.EndOfMessage)
            {
                if (_length == _buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                    _buffer.AsSpan(0, _length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = larger;
                }

                result = await socket.ReceiveAsync(_buffer.AsMemory(_length), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Release();
                    return WebSocketRead.Close;
                }

                _length += result.Count;
                if (_length > maxMessageSize)
                {
                    Release();
                    return WebSocketRead.TooBig;
                }
            }

            MessageType = result.MessageType;
            return WebSocketRead.Message;
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            Release();
            return WebSocketRead.Ended;
        }
    }

    /// <summary>Gives the buffer back to the pool once the message has been handled.</summary>
    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _length = 0;
    }

    public void Dispose() => Release();
}
