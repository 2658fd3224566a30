using System.Buffers.Text;
using System.Text;

namespace Switchboard.Bench.Load;

/// <summary>
/// What a server under test speaks over its WebSocket: the handshake after the upgrade, how a
/// chat message, a room message, a room join and an acknowledged request look, and how to find
/// the marker (sender, sequence, timestamp) in a received message.
/// </summary>
internal abstract class Dialect
{
    /// <summary>The marker: 5-digit sender, 9-digit sequence, 19-digit timestamp, joined by dashes.</summary>
    public const int MarkerLength = 5 + 1 + 9 + 1 + 19;

    public abstract string Name { get; }

    public abstract string Path { get; }

    public virtual bool SupportsRooms => true;

    public virtual bool SupportsAck => true;

    public static Dialect For(string name) => name switch
    {
        "socketio" => new SocketIODialect(),
        "signalr" => new SignalRDialect(),
        "ws" => new PlainDialect(),
        _ => throw new ArgumentException($"Unknown dialect {name}: socketio, signalr or ws."),
    };

    public static string Marker(int sender, long sequence, long timestamp) => $"{sender:D5}-{sequence:D9}-{timestamp:D19}";

    public abstract Task HandshakeAsync(WsClient client, CancellationToken cancellationToken);

    public abstract byte[] Message(string marker);

    public virtual byte[] Join(string room) => throw new NotSupportedException();

    public virtual byte[] RoomMessage(string room, string marker) => throw new NotSupportedException();

    public virtual byte[] Ack(int id, string marker) => throw new NotSupportedException();

    /// <summary>An acknowledged "fetch": the server answers with the number of sockets it finds across the cluster.</summary>
    public virtual byte[] Fetch(int id) => throw new NotSupportedException();

    /// <summary>The socket count a "fetch" was acknowledged with, or null if <paramref name="payload"/> is no such acknowledgement.</summary>
    public virtual long? FetchCount(ReadOnlySpan<byte> payload) => null;

    /// <summary>A frame to send back for a control message of the dialect (a Socket.IO ping), or null.</summary>
    public virtual byte[]? Reply(ReadOnlySpan<byte> payload) => null;

    /// <summary>Finds every marker in a received payload (a SignalR frame may hold several messages).</summary>
    public static int ReadMarkers(ReadOnlySpan<byte> payload, Span<(int Sender, long Sequence, long Timestamp)> markers)
    {
        var found = 0;
        while (found < markers.Length)
        {
            var quote = payload.IndexOf((byte)'"');
            if (quote < 0 || payload.Length - quote - 1 < MarkerLength)
            {
                return found;
            }

            var candidate = payload.Slice(quote + 1, MarkerLength);
            if (candidate[5] == '-' && candidate[15] == '-'
                && Utf8Parser.TryParse(candidate[..5], out int sender, out var a) && a == 5
                && Utf8Parser.TryParse(candidate.Slice(6, 9), out long sequence, out var b) && b == 9
                && Utf8Parser.TryParse(candidate[16..], out long timestamp, out var c) && c == 19)
            {
                markers[found++] = (sender, sequence, timestamp);
                payload = payload[(quote + 1 + MarkerLength)..];
            }
            else
            {
                payload = payload[(quote + 1)..];
            }
        }

        return found;
    }

    protected static async Task<string> ReceiveTextAsync(WsClient client, CancellationToken cancellationToken)
    {
        var (_, payload) = await client.ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(payload);
    }
}

/// <summary>Socket.IO v5 over Engine.IO v4 WebSocket: the Switchboard server and Node's socket.io.</summary>
internal sealed class SocketIODialect : Dialect
{
    private static readonly byte[] PongFrame = WsClient.TextFrame("3");

    public override string Name => "socketio";

    public override string Path => "/socket.io/?EIO=4&transport=websocket";

    public override async Task HandshakeAsync(WsClient client, CancellationToken cancellationToken)
    {
        var open = await ReceiveTextAsync(client, cancellationToken).ConfigureAwait(false);
        if (!open.StartsWith('0'))
        {
            throw new IOException("Expected the Engine.IO open packet, got " + open);
        }

        await client.SendAsync(WsClient.TextFrame("40"), cancellationToken).ConfigureAwait(false);
        var connect = await ReceiveTextAsync(client, cancellationToken).ConfigureAwait(false);
        if (!connect.StartsWith("40", StringComparison.Ordinal))
        {
            throw new IOException("Expected the Socket.IO CONNECT reply, got " + connect);
        }
    }

    public override byte[] Message(string marker) => WsClient.TextFrame($"42[\"message\",\"{marker}\"]");

    public override byte[] Join(string room) => WsClient.TextFrame($"42[\"join\",\"{room}\"]");

    public override byte[] RoomMessage(string room, string marker) => WsClient.TextFrame($"42[\"room\",\"{room}\",\"{marker}\"]");

    public override byte[] Ack(int id, string marker) => WsClient.TextFrame($"42{id}[\"ack\",\"{marker}\"]");

    public override byte[] Fetch(int id) => WsClient.TextFrame($"42{id}[\"fetch\"]");

    // An ACK packet: 43<id>[<count>].
    public override long? FetchCount(ReadOnlySpan<byte> payload)
    {
        var bracket = payload.IndexOf((byte)'[');
        return payload.StartsWith("43"u8) && bracket > 0 && Utf8Parser.TryParse(payload[(bracket + 1)..], out long count, out _) ? count : null;
    }

    public override byte[]? Reply(ReadOnlySpan<byte> payload) => payload.Length == 1 && payload[0] == (byte)'2' ? PongFrame : null;
}

/// <summary>ASP.NET Core SignalR's JSON hub protocol over WebSocket (negotiation skipped).</summary>
internal sealed class SignalRDialect : Dialect
{
    public override string Name => "signalr";

    public override string Path => "/hub";

    public override async Task HandshakeAsync(WsClient client, CancellationToken cancellationToken)
    {
        await client.SendAsync(WsClient.TextFrame("{\"protocol\":\"json\",\"version\":1}\u001e"), cancellationToken).ConfigureAwait(false);
        var reply = await ReceiveTextAsync(client, cancellationToken).ConfigureAwait(false);
        if (!reply.StartsWith("{}", StringComparison.Ordinal))
        {
            throw new IOException("SignalR handshake failed: " + reply);
        }
    }

    public override byte[] Message(string marker) => Invocation("Message", $"\"{marker}\"");

    public override byte[] Join(string room) => Invocation("Join", $"\"{room}\"");

    public override byte[] RoomMessage(string room, string marker) => Invocation("Room", $"\"{room}\",\"{marker}\"");

    public override byte[] Ack(int id, string marker) =>
        WsClient.TextFrame($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Ack\",\"arguments\":[\"{marker}\"]}}\u001e");

    private static byte[] Invocation(string target, string arguments) =>
        WsClient.TextFrame($"{{\"type\":1,\"target\":\"{target}\",\"arguments\":[{arguments}]}}\u001e");
}

/// <summary>Plain WebSocket text messages: Switchboard's /ws component, Node's ws and the naive Kestrel loop.</summary>
internal sealed class PlainDialect : Dialect
{
    public override string Name => "ws";

    public override string Path => "/ws";

    public override bool SupportsRooms => false;

    public override bool SupportsAck => false;

    public override Task HandshakeAsync(WsClient client, CancellationToken cancellationToken) => Task.CompletedTask;

    public override byte[] Message(string marker) => WsClient.TextFrame($"\"{marker}\"");
}
