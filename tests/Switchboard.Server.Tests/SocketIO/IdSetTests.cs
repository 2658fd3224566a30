using Switchboard.SocketIO.Adapters;

namespace Switchboard.Server.Tests.SocketIO;

/// <summary>The adapter's set of room names or socket ids, which keeps a lone member without a HashSet.</summary>
public sealed class IdSetTests
{
    [Fact]
    public void Behaves_as_a_set_from_none_to_one_to_many_members_and_back()
    {
        var set = new IdSet();
        Assert.Equal(0, set.Count);
        Assert.Empty(Members(set));

        Assert.True(set.Add("a"));
        Assert.False(set.Add("a"));
        Assert.True(set.Contains("a"));
        Assert.False(set.Contains("A"));
        Assert.Equal(["a"], Members(set));

        Assert.True(set.Add("b"));
        Assert.True(set.Add("c"));
        Assert.False(set.Add("b"));
        Assert.Equal(3, set.Count);
        Assert.Equal(["a", "b", "c"], Members(set));

        Assert.True(set.Remove("a"));
        Assert.False(set.Remove("a"));
        Assert.True(set.Remove("b"));
        Assert.True(set.Remove("c"));
        Assert.Equal(0, set.Count);
        Assert.Empty(Members(set));
        Assert.True(set.Add("d"));
        Assert.Equal(["d"], Members(set));
    }

    [Fact]
    public void A_copy_does_not_follow_later_changes()
    {
        var set = new IdSet();
        set.Add("a");

        var copy = set.ToHashSet();
        set.Add("b");
        set.Remove("a");

        Assert.Equal(["a"], copy);
        Assert.Equal(["b"], Members(set));
    }

    private static List<string> Members(IdSet set)
    {
        var members = new List<string>();
        foreach (var id in set)
        {
            members.Add(id);
        }

        members.Sort(StringComparer.Ordinal);
        return members;
    }
}
