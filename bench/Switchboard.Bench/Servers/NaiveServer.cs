using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Switchboard.Bench.Servers;

/// <summary>
/// The baseline: a deliberately naive Kestrel WebSocket chat. Each message is sent to every other
/// socket in turn, awaiting each send, with a lock per socket; no queues, no batching.
/// </summary>
internal static class NaiveServer
{
    public static void Map(WebApplication app)
    {
        var sockets = new ConcurrentDictionary<WebSocket, SemaphoreSlim>();
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            sockets[socket] = new SemaphoreSlim(1, 1);
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    var message = buffer.AsMemory(0, result.Count);
                    foreach (var (other, gate) in sockets)
                    {
                        if (other == socket)
                        {
                            continue;
                        }

                        await gate.WaitAsync();
                        try
                        {
                            await other.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
                        }
                        catch (WebSocketException)
                        {
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }
                }
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                sockets.TryRemove(socket, out _);
            }
        });
    }
}
