using System.Globalization;

namespace Switchboard.Server.Tests.Harness;

/// <summary>
/// Messages sent from several threads at once, numbered per thread, with a reader that checks each
/// thread's arrive complete and in order; 1 KB each, so that a client that pauses makes them queue.
/// </summary>
public sealed class ThreadedSends(int threads, int perThread)
{
    private readonly int[] _next = new int[threads];

    /// <summary>How many messages are sent in all.</summary>
    public int Total => threads * perThread;

    /// <summary>How many have been checked.</summary>
    public int Received => _next.Sum();

    /// <summary>Starts the threads, each sending its messages with <paramref name="send"/>.</summary>
    public void Start(Action<string> send)
    {
        var padding = new string('x', 1_000);
        for (var t = 0; t < threads; t++)
        {
            var thread = t;
            _ = Task.Run(() =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    send($"{thread}:{i}:{padding}");
                }
            });
        }
    }

    /// <summary>Checks that <paramref name="message"/> is the next of its thread.</summary>
    public void Check(string message)
    {
        var fields = message.Split(':');
        Assert.Equal(_next[int.Parse(fields[0], CultureInfo.InvariantCulture)]++, int.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
