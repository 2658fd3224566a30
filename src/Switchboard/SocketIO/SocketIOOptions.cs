using System.Text.Json;
using Switchboard.EngineIO;
using Switchboard.SocketIO.Packets;

namespace Switchboard.SocketIO;

/// <summary>Socket.IO settings, on top of the Engine.IO ones. Defaults match the Node reference server (socket.io 4.8).</summary>
public class SocketIOOptions : EngineOptions
{
    /// <summary>
    /// How long a new connection may go without joining a namespace before it is closed.
    /// Reference default: 45 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How event arguments are serialized and deserialized. Default: <see cref="JsonSerializerOptions.Web"/> (camelCase).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = JsonSerializerOptions.Web;

    /// <summary>
    /// The most binary attachments one incoming packet may announce; more is a protocol violation.
    /// Bounds what a client can make the server buffer before a packet completes. Default: 10.
    /// </summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>
    /// How packets are written on the wire; clients must be configured with the matching parser.
    /// Reference default: socket.io-parser, <see cref="SocketParser.Json"/>.
    /// </summary>
    public SocketParser Parser { get; set; } = SocketParser.Json;

    /// <summary>
    /// Connection state recovery: a client that loses its connection briefly gets its session and
    /// missed events back. Reference default: off (null).
    /// </summary>
    public ConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>Whether a namespace created on demand (<see cref="SocketIOServer.Of(System.Text.RegularExpressions.Regex)"/>) is removed when its last socket leaves. Reference default: false.</summary>
    public bool CleanupEmptyChildNamespaces { get; set; }

    /// <summary>
    /// Creates the adapter of each namespace: where rooms live and how broadcasts reach other servers.
    /// Null (the default) uses the <see cref="Adapters.InMemoryAdapter"/>.
    /// </summary>
    public Func<Namespace, Adapters.Adapter>? AdapterFactory { get; set; }
}
