using System.Net;
using System.Net.WebSockets;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>MaxHttpBufferSize on both transports: exactly the limit is accepted, one byte more is not.</summary>
public sealed class PayloadLimitTests
{
    private const int Limit = 1000;

    private static EngineOptions SmallLimit() => new()
    {
        MaxHttpBufferSize = Limit,
        PingInterval = TimeSpan.FromSeconds(5),
        PingTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task A_post_of_exactly_the_limit_is_accepted_and_echoed()
    {
        await using var server = await TestServer.StartAsync(engineOptions: SmallLimit());
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var payload = "4" + new string('x', Limit - 1);

        EngineAssert.Ok(await polling.PostAsync(sid, payload).WithTimeout());

        EngineAssert.Payload(payload, await polling.PollAsync(sid).WithTimeout());
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(Limit * 100)]
    public async Task A_post_over_the_limit_gets_413_and_closes_the_session(int size)
    {
        await using var server = await TestServer.StartAsync(engineOptions: SmallLimit());
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        var (status, body) = await polling.PostAsync(sid, "4" + new string('x', size - 1)).WithTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("", body);
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, $"over {Limit} bytes").WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }

    [Fact]
    public async Task A_chunked_post_over_the_limit_gets_413_and_closes_the_session()
    {
        await using var server = await TestServer.StartAsync(engineOptions: SmallLimit());
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        using var held = new HeldContent("4" + new string('x', Limit / 2), new string('y', Limit));
        held.Release();

        using var response = await polling.Http.PostAsync(polling.Url($"EIO=4&transport=polling&sid={sid}"), held).WithTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        EngineAssert.UnknownSid(await polling.PollAsync(sid).WithTimeout());
    }

    [Fact]
    public async Task A_websocket_message_of_exactly_the_limit_is_accepted_and_echoed()
    {
        await using var server = await TestServer.StartAsync(engineOptions: SmallLimit());
        var (socket, _, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;
        var text = "4" + new string('x', Limit - 1);

        await socket.SendTextAsync(text);
        Assert.Equal(text, await socket.ReceiveTextAsync().WithTimeout());

        await socket.SendBinaryAsync(new byte[Limit]);
        var (type, data) = await socket.ReceiveAsync().WithTimeout();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(Limit, data.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_websocket_message_over_the_limit_closes_the_socket_with_1009(bool binary)
    {
        await using var server = await TestServer.StartAsync(engineOptions: SmallLimit());
        using var bystander = await Bystander.OpenAsync(server).WithTimeout();
        var (socket, sid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using var _ = socket;

        if (binary)
        {
            await socket.SendBinaryAsync(new byte[Limit + 1]);
        }
        else
        {
            await socket.SendTextAsync("4" + new string('x', Limit));
        }

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await socket.WaitClosedAsync().WithTimeout());
        await server.WaitForLogAsync(EngineEvents.ProtocolViolation, $"over {Limit} bytes").WithTimeout();
        await server.WaitForSessionGoneAsync(sid).WithTimeout();
        await bystander.AssertStillEchoesAsync().WithTimeout();
    }
}
