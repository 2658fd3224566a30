using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Connections;

/// <summary>
/// A connection's pipes as the duplex stream .NET's WebSocket runs over. A read never examines
/// more than it consumes, so the WebSocket's zero-byte reads (how an idle connection waits without
/// a buffer) return as soon as data arrives and lose nothing. Disposing wakes a pending read or
/// write, which is how the WebSocket aborts; the pipes themselves stay with the connection.
/// The output is shared with a <see cref="MessageSender"/> that frames messages into it directly:
/// a write gate keeps the WebSocket's own frames (pongs, close) whole between the sender's batches.
/// </summary>
internal sealed class PipeStream(IDuplexPipe pipe) : Stream
{
    private const int GateFree = 0;
    private const int GateHeld = 1;
    private const int GateHeldAndAwaited = 2;

    // The gate has two parties, the sender and .NET's WebSocket (which writes one frame at a time),
    // so one of them at most waits for it: a compare-and-swap when free, a task only when contended.
    private int _gate;
    private TaskCompletionSource? _gateWaiter;
    private volatile bool _disposed;
    private volatile bool _closeWritten;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        // The token is not handed to the pipe: the WebSocket registers its own to abort itself, which
        // disposes this stream and so ends the read. A second registration would stay with every idle connection.
        var result = await pipe.Input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        var data = result.Buffer;
        var count = (int)Math.Min(data.Length, buffer.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        pipe.Input.AdvanceTo(data.GetPosition(count));
        ObjectDisposedException.ThrowIf(result.IsCanceled || _disposed, this);
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The output pipe, for whoever holds the write gate.</summary>
    public PipeWriter Output => pipe.Output;

    /// <summary>Whether the WebSocket has written its close frame: RFC 6455 allows no data frame after it.</summary>
    public bool CloseWritten => _closeWritten;

    public bool IsDisposed => _disposed;

    public bool TryEnterWrite() => Interlocked.CompareExchange(ref _gate, GateHeld, GateFree) == GateFree;

    public Task EnterWriteAsync()
    {
        if (TryEnterWrite())
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _gateWaiter, waiter);
        while (true)
        {
            if (Interlocked.CompareExchange(ref _gate, GateHeldAndAwaited, GateHeld) == GateHeld)
            {
                return waiter.Task;
            }

            if (TryEnterWrite())
            {
                Volatile.Write(ref _gateWaiter, null);
                return Task.CompletedTask;
            }
        }
    }

    /// <summary>Frees the gate, or hands it, still held, to the party waiting for it.</summary>
    public void ExitWrite()
    {
        if (Interlocked.CompareExchange(ref _gate, GateFree, GateHeld) == GateHeld)
        {
            return;
        }

        var waiter = Interlocked.Exchange(ref _gateWaiter, null)!;
        Volatile.Write(ref _gate, GateHeld);
        waiter.SetResult();
    }

    /// <summary>
    /// The WebSocket's own frames. The gate is awaited without the token: a wait ends anyway once the
    /// WebSocket is aborted, as the sender holding the gate then fails its flush and lets go.
    /// </summary>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // .NET's WebSocket writes each frame whole, in one write, so the first byte holds its opcode.
            if (!buffer.IsEmpty && (buffer.Span[0] & 0x0F) == 0x08)
            {
                _closeWritten = true;
            }

            var result = await pipe.Output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(result.IsCanceled || _disposed, this);
        }
        finally
        {
            ExitWrite();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            pipe.Input.CancelPendingRead();
            pipe.Output.CancelPendingFlush();
        }

        base.Dispose(disposing);
    }
}
