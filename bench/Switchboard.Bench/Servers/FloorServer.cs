using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Switchboard.Bench.Servers;

/// <summary>
/// The memory floor of a WebSocket server on Kestrel: a connection handler below HTTP that reads
/// the upgrade request from the transport, answers 101 with the Sec-WebSocket-Accept of RFC 6455,
/// then only reads and drops whatever arrives until the input ends. It answers no frame (not even
/// a ping or a close), so it is for the idle scenario only: per connection it holds Kestrel's
/// socket, its pipes and one pending read, the least any server on Kestrel can hold.
/// </summary>
internal sealed class FloorServer : ConnectionHandler
{
    private const int MaxRequestHead = 8 * 1024;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var key = await ReadKeyAsync(input);
        if (key is null)
        {
            await output.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            return;
        }

        await output.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {Accept(key)}\r\n\r\n"));
        while (true)
        {
            var result = await input.ReadAsync();
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Sec-WebSocket-Accept (RFC 6455 section 4.2.2): base64 of SHA-1 of the key and the protocol's GUID.</summary>
    private static string Accept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>Reads the request head and returns its Sec-WebSocket-Key, or null for anything else.</summary>
    private static async Task<string?> ReadKeyAsync(PipeReader input)
    {
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            if (TryTakeHead(ref buffer, out var head))
            {
                input.AdvanceTo(buffer.Start);
                return KeyOf(head);
            }

            if (result.IsCompleted || buffer.Length > MaxRequestHead)
            {
                input.AdvanceTo(buffer.End);
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryTakeHead(ref ReadOnlySequence<byte> buffer, out byte[] head)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> taken, "\r\n\r\n"u8))
        {
            head = taken.ToArray();
            buffer = buffer.Slice(reader.Position);
            return true;
        }

        head = [];
        return false;
    }

    private static string? KeyOf(ReadOnlySpan<byte> head)
    {
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon], "Sec-WebSocket-Key"u8))
            {
                return Encoding.ASCII.GetString(line[(colon + 1)..].Trim((byte)' '));
            }
        }

        return null;
    }
}
