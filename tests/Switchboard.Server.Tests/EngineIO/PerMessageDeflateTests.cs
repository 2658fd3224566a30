using System.Net.Sockets;
using System.Net.WebSockets;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>
/// <see cref="EngineOptions.PerMessageDeflate"/>: off by default as in the reference; when on,
/// negotiated with clients that offer it, on a WebSocket handshake and on an upgrade, with messages
/// under the threshold sent uncompressed. What went over the wire is counted under .NET's client,
/// which inflates what it receives.
/// </summary>
public sealed class PerMessageDeflateTests
{
    private const string Extensions = "Sec-WebSocket-Extensions";

    private static readonly string Large = "4" + new string('a', 4000);
    private static readonly string Small = "4" + new string('b', 500);

    private static EngineOptions Deflating => new()
    {
        PerMessageDeflate = new(),

        // No ping may cross a counted message.
        PingInterval = TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task Off_by_default_an_offer_is_declined_and_messages_go_uncompressed()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { PingInterval = TimeSpan.FromMinutes(1) });
        using var client = await DeflatingClient.ConnectAsync(server.EngineWebSocketUrl());
        await client.Socket.ReceiveTextAsync();

        Assert.False(client.Socket.HttpResponseHeaders!.ContainsKey(Extensions));
        Assert.True(await client.EchoAsync(Large) >= Large.Length);
    }

    [Fact]
    public async Task When_enabled_it_is_negotiated_and_only_messages_from_the_threshold_up_are_compressed()
    {
        await using var server = await TestServer.StartAsync(engineOptions: Deflating);
        using var client = await DeflatingClient.ConnectAsync(server.EngineWebSocketUrl());
        await client.Socket.ReceiveTextAsync();

        Assert.StartsWith("permessage-deflate", Assert.Single(client.Socket.HttpResponseHeaders![Extensions]), StringComparison.Ordinal);
        Assert.True(await client.EchoAsync(Large) < Large.Length / 10);
        Assert.True(await client.EchoAsync(Small) >= Small.Length);
    }

    [Fact]
    public async Task The_threshold_is_the_frame_length_from_which_messages_are_compressed()
    {
        var options = Deflating;
        options.PerMessageDeflate!.Threshold = 100;
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var client = await DeflatingClient.ConnectAsync(server.EngineWebSocketUrl());
        await client.Socket.ReceiveTextAsync();

        var atThreshold = "4" + new string('c', 99);
        var underThreshold = "4" + new string('d', 98);

        Assert.True(await client.EchoAsync(atThreshold) < atThreshold.Length);
        Assert.True(await client.EchoAsync(underThreshold) >= underThreshold.Length);
    }

    [Fact]
    public async Task An_upgrade_from_polling_negotiates_it_too()
    {
        await using var server = await TestServer.StartAsync(engineOptions: Deflating);
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        using var client = await DeflatingClient.ConnectAsync(server.EngineWebSocketUrl($"EIO=4&transport=websocket&sid={sid}"));

        await client.Socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await client.Socket.ReceiveTextAsync());
        await client.Socket.SendTextAsync("5");
        await server.WaitForLogAsync(EngineEvents.Upgraded, sid).WithTimeout();

        Assert.StartsWith("permessage-deflate", Assert.Single(client.Socket.HttpResponseHeaders![Extensions]), StringComparison.Ordinal);
        Assert.True(await client.EchoAsync(Large) < Large.Length / 10);
    }

    [Fact]
    public async Task A_client_that_offers_no_compression_still_talks_to_a_deflating_server()
    {
        await using var server = await TestServer.StartAsync(engineOptions: Deflating);
        using var socket = await ClientWebSockets.ConnectAsync(server.EngineWebSocketUrl(), o => o.CollectHttpResponseDetails = true);
        await socket.ReceiveTextAsync();

        await socket.SendTextAsync(Large);

        Assert.Equal(Large, await socket.ReceiveTextAsync());
        Assert.False(socket.HttpResponseHeaders!.ContainsKey(Extensions));
    }

    [Theory]
    [InlineData(-1, 15)]
    [InlineData(1024, 8)]
    [InlineData(1024, 16)]
    public void Out_of_range_settings_are_refused_when_the_server_is_created(int threshold, int windowBits)
    {
        var options = new EngineOptions { PerMessageDeflate = new() { Threshold = threshold, ServerMaxWindowBits = windowBits } };

        var error = Assert.Throws<ArgumentException>(() => new EngineServer(options));

        Assert.Contains("EngineOptions.PerMessageDeflate", error.Message, StringComparison.Ordinal);
    }

    /// <summary>.NET's WebSocket client offering permessage-deflate, over a connection whose received bytes are counted.</summary>
    private sealed class DeflatingClient : IDisposable
    {
        private readonly HttpMessageInvoker _invoker;
        private readonly ByteCountingStream _wire;

        private DeflatingClient(ClientWebSocket socket, HttpMessageInvoker invoker, ByteCountingStream wire)
        {
            Socket = socket;
            _invoker = invoker;
            _wire = wire;
        }

        public ClientWebSocket Socket { get; }

        public static async Task<DeflatingClient> ConnectAsync(Uri url)
        {
            ByteCountingStream? wire = null;
            var invoker = new HttpMessageInvoker(new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    }
                    catch
                    {
                        tcp.Dispose();
                        throw;
                    }

                    return wire = new ByteCountingStream(new NetworkStream(tcp, ownsSocket: true));
                },
            });
            var socket = new ClientWebSocket();
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
            socket.Options.CollectHttpResponseDetails = true;
            using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
            try
            {
                await socket.ConnectAsync(url, invoker, timeout.Token);
            }
            catch
            {
                socket.Dispose();
                invoker.Dispose();
                throw;
            }

            return new DeflatingClient(socket, invoker, wire!);
        }

        /// <summary>Sends <paramref name="message"/> to the echo server and returns how many bytes its echo took on the wire.</summary>
        public async Task<long> EchoAsync(string message)
        {
            var before = _wire.BytesRead;
            await Socket.SendTextAsync(message);
            Assert.Equal(message, await Socket.ReceiveTextAsync());
            return _wire.BytesRead - before;
        }

        public void Dispose()
        {
            Socket.Dispose();
            _invoker.Dispose();
        }
    }
}
