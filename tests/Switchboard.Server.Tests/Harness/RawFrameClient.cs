using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Tests.Harness;

/// <summary>One frame as it was on the wire.</summary>
public sealed record RawFrame(bool Fin, byte Opcode, byte[] Payload)
{
    /// <summary>The status code of a close frame (1005 when it has none).</summary>
    public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;
}

/// <summary>
/// A WebSocket client written over a bare <see cref="TcpClient"/>, so a test can send what no
/// real client would: reserved bits, unmasked frames, bad opcodes, invalid UTF-8 (RFC 6455 §5).
/// </summary>
public sealed class RawFrameClient : IAsyncDisposable
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawFrameClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects and performs the opening handshake (§4.1); fails unless the server answers 101.</summary>
    public static async Task<RawFrameClient> ConnectAsync(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(url.Host, url.Port, timeout.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        var client = new RawFrameClient(tcp);
        try
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await client._stream.WriteAsync(UpgradeRequest(url, key), timeout.Token);
            var response = await client.ReadHeadAsync(timeout.Token);
            Assert.StartsWith("HTTP/1.1 101", response, StringComparison.Ordinal);
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            Assert.Contains("Sec-WebSocket-Accept: " + accept, response, StringComparison.OrdinalIgnoreCase);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes one frame. Masked with a random key unless <paramref name="masked"/> is false;
    /// <paramref name="rsv"/> sets the reserved bits (0–7).
    /// </summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0)
    {
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        await _stream.WriteAsync(Frame(opcode, payload, fin, masked, rsv), timeout.Token);
    }

    /// <summary>The opening handshake's request (§4.1) for <paramref name="url"/> with <paramref name="key"/>.</summary>
    public static byte[] UpgradeRequest(Uri url, string key)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Encoding.ASCII.GetBytes(
            $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    /// <summary>One frame's bytes (§5.2), as <see cref="SendFrameAsync"/> writes it.</summary>
    public static byte[] Frame(byte opcode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0)
    {
        ArgumentNullException.ThrowIfNull(payload);
        using var frame = new MemoryStream();
        frame.WriteByte((byte)((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xF)));
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            frame.WriteByte((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.WriteByte((byte)(maskBit | 126));
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            frame.Write(length);
        }
        else
        {
            frame.WriteByte((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.Write(length);
        }

        if (masked)
        {
            var key = RandomNumberGenerator.GetBytes(4);
            frame.Write(key);
            var data = new byte[payload.Length];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(payload[i] ^ key[i % 4]);
            }

            frame.Write(data);
        }
        else
        {
            frame.Write(payload);
        }

        return frame.ToArray();
    }

    /// <summary>Reads the next frame the server sent; null when the server closed the TCP connection.</summary>
    public async Task<RawFrame?> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TaskTimeouts.Default);
        var head = new byte[2];
        if (!await ReadExactlyOrEndAsync(head, cts.Token))
        {
            return null;
        }

        long length = head[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await _stream.ReadExactlyAsync(extended, cts.Token);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            var extended = new byte[8];
            await _stream.ReadExactlyAsync(extended, cts.Token);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        Assert.True((head[1] & 0x80) == 0, "A server must not mask its frames.");
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cts.Token);
        return new RawFrame((head[0] & 0x80) != 0, (byte)(head[0] & 0xF), payload);
    }

    /// <summary>Reads frames until the server's close frame and returns it; fails if the connection ends without one.</summary>
    public async Task<RawFrame> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TaskTimeouts.Default);
        while (true)
        {
            var frame = await ReceiveFrameAsync(timeout).WaitAsync(deadline.Token)
                ?? throw new InvalidOperationException("The server dropped the connection without a close frame.");
            if (frame.Opcode == Close)
            {
                return frame;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            var read = await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            return read == buffer.Length;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        // Byte by byte, so no frame bytes after the head are swallowed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new InvalidOperationException("The server closed the connection during the handshake: " + head);
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
