using System.Net;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>
/// <see cref="EngineOptions.AllowRequest"/>: asked once per handshake, as the reference asks;
/// its refusal (403, code 4) is in <see cref="RequestErrorTests"/>.
/// </summary>
public sealed class AllowRequestTests
{
    [Fact]
    public async Task It_is_asked_for_each_handshake_and_never_for_polls_posts_or_upgrades()
    {
        var asked = new List<string>();
        var options = new EngineOptions
        {
            AllowRequest = async context =>
            {
                await Task.Yield();
                lock (asked)
                {
                    asked.Add(context.Request.Query["transport"].ToString());
                }

                return true;
            },
        };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();

        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        EngineAssert.Ok(await polling.PostAsync(sid, "4hello").WithTimeout());
        EngineAssert.Payload("4hello", await polling.PollAsync(sid).WithTimeout());
        await using var upgraded = await server.UpgradeAsync(sid).WithTimeout();
        await upgraded.SendTextAsync("4over websocket");
        Assert.Equal("4over websocket", await upgraded.ReceiveTextAsync().WithTimeout());
        var (webSocket, webSocketSid, _) = await server.OpenWebSocketSessionAsync().WithTimeout();
        await using (webSocket)
        {
            Assert.Equal(2, server.Engine.ClientsCount);
            Assert.NotEqual(sid, webSocketSid);
        }

        lock (asked)
        {
            Assert.Equal(["polling", "websocket"], asked);
        }
    }

    [Fact]
    public async Task A_refusal_leaves_open_sessions_alone()
    {
        var admit = true;
        var options = new EngineOptions { AllowRequest = _ => ValueTask.FromResult(Volatile.Read(ref admit)) };
        await using var server = await TestServer.StartAsync(engineOptions: options);
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();

        Volatile.Write(ref admit, false);
        using var refused = await polling.Http.GetAsync(polling.Url("EIO=4&transport=polling")).WithTimeout();

        await EngineAssert.ErrorAsync(refused, 4);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        EngineAssert.Ok(await polling.PostAsync(sid, "4still here").WithTimeout());
        EngineAssert.Payload("4still here", await polling.PollAsync(sid).WithTimeout());
        Assert.Equal(1, server.Engine.ClientsCount);
    }
}
