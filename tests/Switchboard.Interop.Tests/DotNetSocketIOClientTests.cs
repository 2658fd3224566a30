using SocketIOClient;
using SocketIOClient.Transport;
using Client = SocketIOClient.SocketIO;

namespace Switchboard.Interop.Tests;

/// <summary>The .NET SocketIOClient 3.0.6 from NuGet against our server, over polling and WebSocket.</summary>
public sealed class DotNetSocketIOClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Modes => new() { "polling", "websocket", "upgrade" };

    [Theory, MemberData(nameof(Modes))]
    public async Task Connects_exchanges_events_and_acknowledges_both_ways(string mode)
    {
        await using var server = await InteropServer.StartAsync();
        using var client = new Client(server.Url(), new SocketIOOptions
        {
            // With reconnection off, 3.0.6 gives up on its first WebSocket attempt even against the
            // Node reference server; with it on, it connects at once.
            ReconnectionDelay = 100,
            ConnectionTimeout = Timeout,
            Transport = mode == "websocket" ? TransportProtocol.WebSocket : TransportProtocol.Polling,
            AutoUpgrade = mode == "upgrade",
            Auth = new { token = "dotnet" },
        });
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnected += (_, _) => connected.TrySetResult();
        var auth = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("auth", r => auth.TrySetResult(r.GetValue(0).GetProperty("token").GetString()!));
        client.On("echo", r => echo.TrySetResult(r.GetValue<string>(0) + "|" + r.GetValue<int>(1)));
        client.On("question", r => r.CallbackAsync("client says " + r.GetValue<string>(0)));
        client.On("client-answered", r => answered.TrySetResult(r.GetValue<string>(0)));

        await client.ConnectAsync().WaitAsync(Timeout);
        await connected.Task.WaitAsync(Timeout);
        Assert.Equal("dotnet", await auth.Task.WaitAsync(Timeout));

        await client.EmitAsync("echo", "hi", 42);
        Assert.Equal("hi|42", await echo.Task.WaitAsync(Timeout));

        var ack = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("ask", r => ack.TrySetResult(r.GetValue<string>(0)), "why");
        Assert.Equal("answer:why", await ack.Task.WaitAsync(Timeout));

        await client.EmitAsync("ask-client", "how");
        Assert.Equal("client says how", await answered.Task.WaitAsync(Timeout));

        var id = client.Id;
        await client.DisconnectAsync().WaitAsync(Timeout);
        Assert.Equal("client namespace disconnect", await server.DisconnectReasonAsync(id));
    }
}
