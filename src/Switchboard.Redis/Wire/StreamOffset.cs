using System.Globalization;

namespace Switchboard.Redis.Wire;

/// <summary>
/// A stream entry id, <c>{milliseconds}-{sequence}</c>, which the Streams adapter appends to each event as its
/// connection state recovery offset, as Node's adapter does. Ordered as Redis orders entries.
/// </summary>
internal readonly record struct StreamOffset(ulong Milliseconds, ulong Sequence) : IComparable<StreamOffset>
{
    /// <summary>The id before every entry (<c>0-0</c>), where an empty stream is read from.</summary>
    public static StreamOffset Zero => default;

    /// <summary>Reads an id in the only form Node's adapter accepts, digits, a dash, digits.</summary>
    public static bool TryParse(string? text, out StreamOffset offset)
    {
        offset = default;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (dash <= 0
            || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        offset = new StreamOffset(milliseconds, sequence);
        return true;
    }

    /// <summary>The smallest id after this one, where a read that excludes this one starts (as Node reads, for Redis before 6.2).</summary>
    public StreamOffset Next() => new(Milliseconds, Sequence + 1);

    /// <inheritdoc/>
    public int CompareTo(StreamOffset other) => Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    /// <summary>Whether <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(StreamOffset left, StreamOffset right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(StreamOffset left, StreamOffset right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is <paramref name="right"/> or comes after it.</summary>
    public static bool operator >=(StreamOffset left, StreamOffset right) => left.CompareTo(right) >= 0;

    /// <summary>Whether <paramref name="left"/> is <paramref name="right"/> or comes before it.</summary>
    public static bool operator <=(StreamOffset left, StreamOffset right) => left.CompareTo(right) <= 0;

    /// <inheritdoc/>
    public override string ToString() =>
        Milliseconds.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);
}
