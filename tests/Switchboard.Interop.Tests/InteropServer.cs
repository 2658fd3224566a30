using System.Collections.Concurrent;
using Switchboard.SocketIO;

namespace Switchboard.Interop.Tests;

/// <summary>
/// A test server with the handlers the interop scenarios use, recording what the server side
/// saw (sockets and their disconnect reasons) so tests can check both ends.
/// </summary>
public sealed class InteropServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _reasons = new();

    private InteropServer(TestServer server) => Server = server;

    /// <summary>The running server.</summary>
    public TestServer Server { get; }

    /// <summary>The Socket.IO URL of a namespace.</summary>
    public string Url(string nsp = "/") => new Uri(Server.Url, nsp).ToString();

    /// <summary>Starts a server with the interop handlers.</summary>
    public static async Task<InteropServer> StartAsync(Action<SocketIOOptions>? configure = null, int port = 0)
    {
        InteropServer? self = null;
        var server = await TestServer.StartAsync(configure, io => Setup(io, () => self!), port);
        self = new InteropServer(server);
        return self;
    }

    /// <summary>The reason the server gave when socket <paramref name="socketId"/> disconnected.</summary>
    public Task<string> DisconnectReasonAsync(string socketId) =>
        _reasons.GetOrAdd(socketId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>The server-side socket with this id, in the main namespace.</summary>
    public Socket Socket(string id) => Server.Io.Sockets.Sockets[id];

    private static void Setup(SocketIOServer io, Func<InteropServer> self)
    {
        foreach (var nsp in new[] { io.Sockets, io.Of("/admin") })
        {
            nsp.OnConnection(socket =>
            {
                socket.OnDisconnect(reason => self()._reasons.GetOrAdd(socket.Id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(reason));
                socket.EmitAsync("auth", socket.Handshake.Auth);
                socket.On("echo", (EventArguments args) => socket.EmitAsync("echo", args.ToArray()));
                socket.On("ask", (string question) => "answer:" + question);
                socket.On("binary", (byte[] data, string label) => socket.EmitAsync("binary", data.Reverse().ToArray(), label));
                socket.On("message", (EventArguments args) => socket.Broadcast.EmitAsync("message", args.ToArray()));
                socket.On("kick", () => socket.Disconnect());
                socket.On("ask-client", async (string question) =>
                {
                    var answer = await socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("question", question, new byte[] { 7, 8 });
                    await socket.EmitAsync("client-answered", answer.ToArray());
                });
            });
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
