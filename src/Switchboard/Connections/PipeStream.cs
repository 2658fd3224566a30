using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Connections;

/// <summary>
/// A connection's pipes as the duplex stream .NET's WebSocket runs over. A read never examines
/// more than it consumes, so the WebSocket's zero-byte reads (how an idle connection waits without
/// a buffer) return as soon as data arrives and lose nothing. Disposing wakes a pending read or
/// write, which is how the WebSocket aborts; the pipes themselves stay with the connection.
/// </summary>
internal sealed class PipeStream(IDuplexPipe pipe) : Stream
{
    private volatile bool _disposed;

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

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await pipe.Output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(result.IsCanceled || _disposed, this);
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
