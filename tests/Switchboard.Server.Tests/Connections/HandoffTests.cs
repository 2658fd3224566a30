using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchboard.Hosting;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.Connections;

/// <summary>
/// <c>UseWebSocketHandoff</c>: a WebSocket leaves its upgrade request once the 101 is sent and runs
/// on the connection's own pipes, after the whole ASP.NET Core pipeline has handled the request.
/// </summary>
public sealed class HandoffTests
{
    private const int HandedOff = 401;

    [Fact]
    public async Task A_component_WebSocket_outlives_its_upgrade_request_and_keeps_working()
    {
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ComponentServer.StartAsync(app => MapEchoBehindWatch(app, requestEnded));
        using var client = await server.ConnectAsync("/ws");

        await requestEnded.Task.WithTimeout();
        await client.SendTextAsync("after the request");

        Assert.Equal("after the request", (await client.ReceiveMessageAsync()).Text);
        await server.WaitForLogAsync(HandedOff).WithTimeout();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_the_handoff_nothing_keeps_the_upgrade_requests_HttpContext_alive(bool handoff)
    {
        var seen = new TaskCompletionSource<WeakReference<HttpContext>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ComponentServer.StartAsync(
            app =>
            {
                app.Use((context, next) =>
                {
                    seen.TrySetResult(new WeakReference<HttpContext>(context));
                    return next(context);
                });
                app.MapWebSocketComponent("/ws", new EchoComponent());
            },
            handoff);
        using var client = await server.ConnectAsync("/ws");
        var request = await seen.Task.WithTimeout();
        await client.SendTextAsync("before");
        Assert.Equal("before", (await client.ReceiveMessageAsync()).Text);

        // Kestrel reuses a context for the next request on its connection, so it is freed only with the HTTP layer.
        var collected = false;
        for (var i = 0; i < 20 && !collected; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            collected = !request.TryGetTarget(out _);
            if (!collected)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(handoff, collected);
        await client.SendTextAsync("after");
        Assert.Equal("after", (await client.ReceiveMessageAsync()).Text);
    }

    [Fact]
    public async Task Kestrel_timeouts_of_the_ended_request_do_not_reach_the_WebSocket()
    {
        // Kestrel gives an ended request's response a deadline to drain (here about two seconds,
        // normally minutes) and keeps checking it on its heartbeat: it must not cut the socket off.
        await using var server = await ComponentServer.StartAsync(
            app => app.MapWebSocketComponent("/ws", new EchoComponent(), o => o.KeepAliveInterval = TimeSpan.Zero),
            kestrel: k => k.Limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 64 * 1024, gracePeriod: TimeSpan.FromSeconds(1.5)));
        using var client = await server.ConnectAsync("/ws");

        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await client.SendTextAsync($"still open {i}");
            Assert.Equal($"still open {i}", (await client.ReceiveMessageAsync()).Text);
        }
    }

    [Fact]
    public async Task Without_the_handoff_the_upgrade_request_lasts_as_long_as_the_WebSocket()
    {
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ComponentServer.StartAsync(app => MapEchoBehindWatch(app, requestEnded), handoff: false);
        using var client = await server.ConnectAsync("/ws");
        await client.SendTextAsync("in the request");
        Assert.Equal("in the request", (await client.ReceiveMessageAsync()).Text);

        Assert.False(requestEnded.Task.IsCompleted);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WithTimeout();
        await requestEnded.Task.WithTimeout();
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Id == HandedOff);
    }

    [Fact]
    public async Task Middleware_in_front_of_the_endpoint_still_decides_and_what_it_set_stays_readable()
    {
        var seen = new TaskCompletionSource<(string? User, string Team)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var component = new EchoComponent
        {
            OnMessage = (from, _) =>
            {
                seen.TrySetResult((from.User.Identity?.Name, from.Request.Headers["X-Team"].ToString()));
                return Task.CompletedTask;
            },
        };
        await using var server = await ComponentServer.StartAsync(app =>
        {
            app.Use((context, next) =>
            {
                if (context.Request.Headers["X-Team"] != "blue")
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                }

                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "ada")], "test"));
                return next(context);
            });
            app.MapWebSocketComponent("/ws", component);
        });

        await Assert.ThrowsAnyAsync<WebSocketException>(() => server.ConnectAsync("/ws", o => o.SetRequestHeader("X-Team", "red")));
        using var client = await server.ConnectAsync("/ws", o => o.SetRequestHeader("X-Team", "blue"));
        await server.WaitForLogAsync(HandedOff).WithTimeout();
        await client.SendTextAsync("who am I");

        Assert.Equal(("ada", "blue"), await seen.Task.WithTimeout());
    }

    [Fact]
    public async Task A_frame_sent_together_with_the_upgrade_request_is_not_lost()
    {
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", new EchoComponent()));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Url.Port).WithTimeout();
        var stream = tcp.GetStream();

        await stream.WriteAsync(UpgradeRequest(server).Concat(RawFrameClient.Frame(RawFrameClient.Text, "early"u8.ToArray())).ToArray());

        var received = await ReadUntilAsync(stream, "early");
        Assert.StartsWith("HTTP/1.1 101", received, StringComparison.Ordinal);
        await server.WaitForLogAsync(HandedOff).WithTimeout();
    }

    [Fact]
    public async Task The_upgrade_can_follow_a_plain_request_on_a_kept_alive_connection()
    {
        await using var server = await ComponentServer.StartAsync(app =>
        {
            // A fixed length, so the response ends with its body (a chunked one ends after it, and could be
            // read as the start of the next response).
            app.MapGet("/hello", context =>
            {
                context.Response.ContentLength = "hello there".Length;
                return context.Response.WriteAsync("hello there");
            });
            app.MapWebSocketComponent("/ws", new EchoComponent());
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Url.Port).WithTimeout();
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /hello HTTP/1.1\r\nHost: {server.Url.Authority}\r\n\r\n"));
        Assert.Contains("200 OK", await ReadUntilAsync(stream, "hello there"), StringComparison.Ordinal);

        await stream.WriteAsync(UpgradeRequest(server));
        Assert.StartsWith("HTTP/1.1 101", await ReadUntilAsync(stream, "\r\n\r\n"), StringComparison.Ordinal);
        await stream.WriteAsync(RawFrameClient.Frame(RawFrameClient.Text, "second"u8.ToArray()));

        Assert.Contains("second", await ReadUntilAsync(stream, "second"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Engine_io_WebSockets_are_served_when_opened_and_when_upgraded_with_or_without_the_handoff(bool handoff)
    {
        await using var server = await TestServer.StartAsync(handoff: handoff);
        var (opened, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using (opened)
        {
            await opened.SendTextAsync("4opened");
            Assert.Equal("4opened", await opened.ReceiveTextAsync().WithTimeout());
        }

        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        await using var upgraded = await server.UpgradeAsync(sid).WithTimeout();
        await upgraded.SendTextAsync("4upgraded");
        Assert.Equal("4upgraded", await upgraded.ReceiveTextAsync().WithTimeout());

        Assert.Equal(handoff ? 2 : 0, server.Logs.Entries.Count(e => e.EventId.Id == HandedOff));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_protocol_violation_gets_its_close_code_on_the_wire_with_or_without_the_handoff(bool handoff)
    {
        await using var server = await ComponentServer.StartAsync(app => app.MapWebSocketComponent("/ws", new EchoComponent()), handoff);
        await using var client = await RawFrameClient.ConnectAsync(server.WebSocketUrl("/ws"));

        await client.SendFrameAsync(RawFrameClient.Text, Encoding.UTF8.GetBytes("reserved bits"), rsv: 2);

        Assert.Equal(1002, (await client.ReceiveCloseAsync()).CloseCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Over_TLS_a_WebSocket_is_handed_off_only_when_the_handoff_sees_decrypted_bytes(bool handoffInsideTls)
    {
        using var certificate = SelfSignedCertificate();
        await using var server = await ComponentServer.StartAsync(
            app => app.MapWebSocketComponent("/ws", new EchoComponent()),
            handoff: !handoffInsideTls,
            listen: listen =>
            {
                listen.UseHttps(certificate);
                if (handoffInsideTls)
                {
                    listen.UseWebSocketHandoff();
                }
            });

        using var client = await ClientWebSockets.ConnectAsync(new Uri($"wss://{server.Url.Authority}/ws"), o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true);
        await client.SendTextAsync("secret");

        Assert.Equal("secret", (await client.ReceiveMessageAsync()).Text);
        Assert.Equal(handoffInsideTls, server.Logs.Entries.Any(e => e.EventId.Id == HandedOff));
    }

    /// <summary>Maps an echo component at /ws behind middleware that completes <paramref name="requestEnded"/> when the upgrade request ends.</summary>
    private static void MapEchoBehindWatch(WebApplication app, TaskCompletionSource requestEnded)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            requestEnded.TrySetResult();
        });
        app.MapWebSocketComponent("/ws", new EchoComponent());
    }

    private static byte[] UpgradeRequest(ComponentServer server) =>
        RawFrameClient.UpgradeRequest(server.WebSocketUrl("/ws"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    /// <summary>Reads until the bytes received so far contain <paramref name="marker"/>, and returns them as Latin-1 text.</summary>
    private static async Task<string> ReadUntilAsync(NetworkStream stream, string marker)
    {
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, $"the connection closed before \"{marker}\"; received: {received}");
            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
