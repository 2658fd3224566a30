using System.Net;
using System.Net.Sockets;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// A TCP relay on 127.0.0.1 between a client and a server, standing in for the network: a test
/// can <see cref="Cut"/> it, which resets every connection through it in both directions (the
/// client and the server each see their connection die, as when a network drops) and refuses new
/// ones, then <see cref="Restore"/> it, to the same server or another one. Any HTTP or WebSocket
/// traffic goes through unchanged.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Lock _gate = new();
    private readonly List<Link> _links = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private Uri _upstream;
    private bool _cut;

    private LoopbackProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The proxy's base address; clients connect here instead of to the server.</summary>
    public Uri Url { get; }

    /// <summary>Starts relaying to the server at <paramref name="upstream"/>.</summary>
    public static LoopbackProxy Start(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        return new LoopbackProxy(upstream);
    }

    /// <summary>The proxied address of a Socket.IO namespace.</summary>
    public string SocketIOUrl(string nsp = "/") => new Uri(Url, nsp).ToString();

    /// <summary>Resets every open connection and refuses (resets) new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        Link[] links;
        lock (_gate)
        {
            _cut = true;
            links = [.. _links];
            _links.Clear();
        }

        foreach (var link in links)
        {
            link.Reset();
        }
    }

    /// <summary>Accepts connections again, relaying them to <paramref name="upstream"/> when given (a server that replaced the first).</summary>
    public void Restore(Uri? upstream = null)
    {
        lock (_gate)
        {
            _upstream = upstream ?? _upstream;
            _cut = false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Cut();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static void ResetSocket(Socket socket)
    {
        try
        {
            // Linger 0: close with a TCP reset, the way a dropped network looks to both ends.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ConnectAsync(client);
        }
    }

    private async Task ConnectAsync(Socket client)
    {
        Uri upstream;
        lock (_gate)
        {
            upstream = _upstream;
            if (_cut)
            {
                ResetSocket(client);
                return;
            }
        }

        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, upstream.Port, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            ResetSocket(client);
            ResetSocket(server);
            return;
        }

        var link = new Link(client, server);
        lock (_gate)
        {
            if (!_cut)
            {
                _links.Add(link);
                link.Start(this);
                return;
            }
        }

        link.Reset();
    }

    private void Forget(Link link)
    {
        lock (_gate)
        {
            _links.Remove(link);
        }
    }

    /// <summary>One client connection and its connection to the server, copied both ways until either end closes.</summary>
    private sealed class Link(Socket client, Socket server)
    {
        private int _closed;

        public void Start(LoopbackProxy proxy)
        {
            var up = PumpAsync(client, server);
            var down = PumpAsync(server, client);
            _ = Task.WhenAny(up, down).ContinueWith(
                _ =>
                {
                    proxy.Forget(this);
                    Close();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        public void Reset()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                ResetSocket(client);
                ResetSocket(server);
            }
        }

        // A clean end on one side is passed on as a clean end on the other.
        private void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                client.Close();
                server.Close();
            }
        }

        private static async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
