using Switchboard.Connections;

namespace Switchboard.Server.Tests.Connections;

/// <summary>Session and socket ids: 20 URL-safe characters, never repeated, from every thread.</summary>
public sealed class IdsTests
{
    [Fact]
    public async Task Ids_are_twenty_url_safe_characters_and_never_repeat_across_threads_and_pool_refills()
    {
        // Several times a thread's pool of random bytes, on four threads at once.
        const int PerThread = 2_000;
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var ids = new string[PerThread];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = Ids.New();
            }

            return ids;
        })));

        var all = batches.SelectMany(b => b).ToList();
        Assert.All(all, id => Assert.Matches("^[A-Za-z0-9_-]{20}$", id));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }
}
