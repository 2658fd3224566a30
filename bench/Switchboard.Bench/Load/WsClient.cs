using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Bench.Load;

/// <summary>
/// A minimal WebSocket client over a raw socket, so the load generator is never the bottleneck:
/// frames are pre-built once (masked with a zero key, which leaves the payload as is) and received
/// frames are parsed in place, many per socket read.
/// </summary>
internal sealed class WsClient : IAsyncDisposable
{
    public const byte Text = 1;
    public const byte Binary = 2;
    public const byte Close = 8;
    public const byte Ping = 9;
    public const byte Pong = 10;

    private readonly Socket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private WsClient(Socket socket) => _socket = socket;

    public static async Task<WsClient> ConnectAsync(IPEndPoint server, string pathAndQuery, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            var client = new WsClient(socket);
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            await client.ReadUpgradeResponseAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Builds a client frame (FIN, zero mask key) around <paramref name="payload"/>.</summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload)
    {
        var lengthBytes = payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (lengthBytes == 0)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else if (lengthBytes == 2)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        payload.CopyTo(frame.AsSpan(2 + lengthBytes + 4));
        return frame;
    }

    public static byte[] TextFrame(string text) => Frame(Text, Encoding.UTF8.GetBytes(text));

    /// <summary>Sends a pre-built frame; sends from several threads never interleave.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Receives until the connection ends, calling <paramref name="onFrame"/> for every data frame.</summary>
    public async Task ReceiveAsync(Func<WsClient, byte, ReadOnlyMemory<byte>, bool> onFrame, CancellationToken cancellationToken)
    {
        while (true)
        {
            while (TryReadFrame(out var opcode, out var payload))
            {
                if (opcode == Close)
                {
                    return;
                }

                if (opcode == Ping)
                {
                    await SendAsync(Frame(Pong, payload.Span), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!onFrame(this, opcode, payload))
                {
                    return;
                }
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Receives the next data frame (for handshakes and request/response scenarios).</summary>
    public async Task<(byte Opcode, byte[] Payload)> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            while (TryReadFrame(out var opcode, out var payload))
            {
                if (opcode == Ping)
                {
                    await SendAsync(Frame(Pong, payload.Span), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                return (opcode, payload.ToArray());
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("The server closed the connection.");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool TryReadFrame(out byte opcode, out ReadOnlyMemory<byte> payload)
    {
        opcode = 0;
        payload = default;
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < 2)
        {
            return false;
        }

        var length = (long)(available[1] & 0x7F);
        var header = 2;
        if (length == 126)
        {
            if (available.Length < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
            header = 4;
        }
        else if (length == 127)
        {
            if (available.Length < 10)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
            header = 10;
        }

        if (available.Length < header + length)
        {
            if (header + length > _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)(header + length) * 2);
            }

            return false;
        }

        opcode = (byte)(available[0] & 0x0F);
        payload = _buffer.AsMemory(_start + header, (int)length);
        _start += header + (int)length;
        return true;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read;
        try
        {
            read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return false;
        }

        _end += read;
        return read > 0;
    }

    private async Task ReadUpgradeResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_buffer, 0, end);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new IOException("Upgrade refused: " + head.Split('\n')[0]);
                }

                _start = end + 4;
                return;
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("The server closed the connection during the upgrade.");
            }
        }
    }
}
