using System.Buffers;

namespace Switchboard.Buffers;

/// <summary>Pooled receive buffers shared by the WebSocket receive loops.</summary>
internal static class BufferPool
{
    /// <summary>Rents a buffer twice as large, keeps the first <paramref name="count"/> bytes and returns the old one.</summary>
    public static byte[] Grow(byte[] buffer, int count)
    {
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
