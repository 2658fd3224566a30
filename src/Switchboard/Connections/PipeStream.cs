using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Connections;

/// <summary>
/// A connection's pipes as the duplex stream .NET's WebSocket runs over. A read never examines
/// more than it consumes, so the WebSocket's zero-byte reads (how an idle connection waits without
/// a buffer) return as soon as data arrives and lose nothing. Disposing wakes a pending read or
/// write, which is how the WebSocket aborts; the pipes themselves stay with the connection.
/// The output is shared with a <see cref="MessageSender"/> that frames messages into it directly:
/// a write gate, taken by one writer at a time, keeps the WebSocket's own frames (pongs, close)
/// whole between the sender's batches and write-throughs.
/// </summary>
internal sealed class PipeStream(IDuplexPipe pipe) : Stream
{
    private const int GateFree = 0;
    private const int GateHeld = 1;
    private const int GateHeldAndAwaited = 2;

    // Free or held is a compare-and-swap; a queue of waiters, under a lock, only when contended.
    private int _gate;
    private Queue<TaskCompletionSource>? _gateWaiters;
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

        lock (Waiters)
        {
            while (true)
            {
                if (TryEnterWrite())
                {
                    return Task.CompletedTask;
                }

                // Held, with or without waiters before this one: mark it awaited and wait in line.
                if (Interlocked.CompareExchange(ref _gate, GateHeldAndAwaited, GateHeld) != GateFree)
                {
                    var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Waiters.Enqueue(waiter);
                    return waiter.Task;
                }
            }
        }
    }

    /// <summary>Frees the gate, or hands it, still held, to the first in line.</summary>
    public void ExitWrite()
    {
        if (Interlocked.CompareExchange(ref _gate, GateFree, GateHeld) == GateHeld)
        {
            return;
        }

        TaskCompletionSource next;
        lock (Waiters)
        {
            next = Waiters.Dequeue();
            if (Waiters.Count == 0)
            {
                Volatile.Write(ref _gate, GateHeld);
            }
        }

        next.SetResult();
    }

    private Queue<TaskCompletionSource> Waiters => LazyInitializer.EnsureInitialized(ref _gateWaiters, static () => new Queue<TaskCompletionSource>());

    /// <summary>
    /// The WebSocket's own frames. The gate is awaited without the token: a wait ends anyway once the
    /// WebSocket is aborted, as whoever holds the gate then fails its flush and lets go.
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
