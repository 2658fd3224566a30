using Switchboard.Connections;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.Connections;

/// <summary>The bounded send queue every Engine.IO session and WebSocket component connection writes through.</summary>
public sealed class SendQueueTests
{
    [Fact]
    public void Items_come_out_in_order_and_a_full_queue_refuses_more()
    {
        var queue = new SendQueue<int>(bound: 5);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.True(queue.TryWrite((round * 10) + i));
            }

            Assert.False(queue.TryWrite(99));
            Assert.Equal(5, queue.Count);
            Assert.True(queue.TryRead(out var first));
            Assert.Equal(round * 10, first);
            Assert.True(queue.TryWrite(99));
            for (var i = 1; i < 5; i++)
            {
                Assert.True(queue.TryRead(out var item));
                Assert.Equal((round * 10) + i, item);
            }

            Assert.True(queue.TryRead(out var last));
            Assert.Equal(99, last);
            Assert.False(queue.TryRead(out _));
        }
    }

    [Fact]
    public async Task A_last_item_gets_in_past_the_bound_and_nothing_after_it()
    {
        var queue = new SendQueue<string>(bound: 1);
        Assert.True(queue.TryWrite("a"));

        Assert.True(queue.TryComplete("close"));

        Assert.False(queue.TryWrite("b"));
        Assert.False(queue.TryComplete("again"));
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryRead(out var a));
        Assert.True(queue.TryRead(out var close));
        Assert.Equal(("a", "close"), (a, close));
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public async Task A_waiting_reader_wakes_for_an_item_and_for_completion()
    {
        var queue = new SendQueue<int>(bound: 4);

        var wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        queue.TryWrite(1);
        Assert.True(await wait.AsTask().WithTimeout());

        Assert.True(queue.TryRead(out _));
        wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        queue.Complete();
        Assert.False(await wait.AsTask().WithTimeout());
    }

    [Fact]
    public async Task A_canceled_wait_throws_and_the_queue_keeps_serving_the_next_one()
    {
        var queue = new SendQueue<int>(bound: 4);
        using var cancel = new CancellationTokenSource();

        var wait = queue.WaitToReadAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.AsTask().WithTimeout());
        wait = queue.WaitToReadAsync(cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.AsTask());
        wait = queue.WaitToReadAsync();
        queue.TryWrite(7);
        Assert.True(await wait.AsTask().WithTimeout());
        Assert.True(queue.TryRead(out var item));
        Assert.Equal(7, item);
    }

    [Fact]
    public async Task Two_readers_waiting_at_once_both_wake()
    {
        // An Engine.IO upgrade: the polling request still waits while the new WebSocket starts to.
        var queue = new SendQueue<int>(bound: 4);
        using var cancel = new CancellationTokenSource();

        var polling = queue.WaitToReadAsync(cancel.Token);
        var webSocket = queue.WaitToReadAsync();
        queue.TryWrite(1);

        Assert.True(await polling.AsTask().WithTimeout());
        Assert.True(await webSocket.AsTask().WithTimeout());
    }

    [Fact]
    public void Clear_drops_what_is_queued_and_leaves_room()
    {
        var queue = new SendQueue<int>(bound: 2);
        queue.TryWrite(1);
        queue.TryWrite(2);

        queue.Clear();

        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryRead(out _));
        Assert.True(queue.TryWrite(3));
        Assert.True(queue.TryRead(out var item));
        Assert.Equal(3, item);
    }

    [Fact]
    public async Task Many_writers_and_one_waiting_reader_lose_and_duplicate_nothing()
    {
        const int Writers = 4;
        const int PerWriter = 20_000;
        var queue = new SendQueue<int>(bound: 64);
        var seen = new bool[Writers * PerWriter];
        var reader = Task.Run(async () =>
        {
            var count = 0;
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var item))
                {
                    Assert.False(seen[item]);
                    seen[item] = true;
                    count++;
                }
            }

            return count;
        });

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                while (!queue.TryWrite((w * PerWriter) + i))
                {
                    await Task.Yield();
                }
            }
        })).ToArray();
        await Task.WhenAll(writers).WithTimeout(TimeSpan.FromSeconds(60));
        queue.Complete();

        Assert.Equal(Writers * PerWriter, await reader.WithTimeout(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain(false, seen);
    }
}
