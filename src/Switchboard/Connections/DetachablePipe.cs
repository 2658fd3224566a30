using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Connections;

/// <summary>
/// A connection's transport as Kestrel's HTTP layer sees it: every call goes through to the real
/// pipes until <see cref="Detach"/>, after which that layer finds its input ended and its output
/// closed, and whatever it does with them (complete, cancel, write) no longer reaches the
/// connection, which lives on under a WebSocket.
/// </summary>
internal sealed class DetachablePipe(IDuplexPipe transport) : IDuplexPipe
{
    private readonly Reader _input = new(transport.Input);
    private readonly Writer _output = new(transport.Output);

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    public void Detach()
    {
        _input.Detached = true;
        _output.Detached = true;
    }

    private sealed class Reader(PipeReader inner) : PipeReader
    {
        private static readonly ReadResult Ended = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

        public bool Detached { get; set; }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Detached ? ValueTask.FromResult(Ended) : inner.ReadAsync(cancellationToken);

        public override bool TryRead(out ReadResult result)
        {
            if (Detached)
            {
                result = Ended;
                return true;
            }

            return inner.TryRead(out result);
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (!Detached)
            {
                inner.AdvanceTo(consumed, examined);
            }
        }

        public override void CancelPendingRead()
        {
            if (!Detached)
            {
                inner.CancelPendingRead();
            }
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Detached)
            {
                inner.Complete(exception);
            }
        }
    }

    private sealed class Writer(PipeWriter inner) : PipeWriter
    {
        private static readonly FlushResult Closed = new(isCanceled: false, isCompleted: true);

        public bool Detached { get; set; }

        public override bool CanGetUnflushedBytes => !Detached && inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => Detached ? 0 : inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => Detached ? new byte[Math.Max(sizeHint, 1)] : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (!Detached)
            {
                inner.Advance(bytes);
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            Detached ? ValueTask.FromResult(Closed) : inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush()
        {
            if (!Detached)
            {
                inner.CancelPendingFlush();
            }
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Detached)
            {
                inner.Complete(exception);
            }
        }
    }
}
