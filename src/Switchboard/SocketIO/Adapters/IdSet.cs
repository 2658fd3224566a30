namespace Switchboard.SocketIO.Adapters;

/// <summary>
/// A set of socket ids or room names, compared ordinally. Most of the adapter's sets have one
/// member (every socket's own room, and the rooms of a socket that joined no other), so the first
/// member is kept in a field and a <see cref="HashSet{T}"/> is made only for a second one.
/// </summary>
internal sealed class IdSet
{
    private string? _one;
    private HashSet<string>? _many;

    public int Count => _many?.Count ?? (_one is null ? 0 : 1);

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    public bool Add(string id)
    {
        if (_many is not null)
        {
            return _many.Add(id);
        }

        if (_one is null)
        {
            _one = id;
            return true;
        }

        if (string.Equals(_one, id, StringComparison.Ordinal))
        {
            return false;
        }

        _many = new HashSet<string>(StringComparer.Ordinal) { _one, id };
        _one = null;
        return true;
    }

    /// <summary>Removes <paramref name="id"/>; false when it was not there.</summary>
    public bool Remove(string id)
    {
        if (_many is not null)
        {
            return _many.Remove(id);
        }

        if (!string.Equals(_one, id, StringComparison.Ordinal))
        {
            return false;
        }

        _one = null;
        return true;
    }

    public bool Contains(string id) => _many?.Contains(id) ?? string.Equals(_one, id, StringComparison.Ordinal);

    /// <summary>A copy the caller may keep.</summary>
    public HashSet<string> ToHashSet()
    {
        var copy = _many is null ? new HashSet<string>(StringComparer.Ordinal) : new HashSet<string>(_many, StringComparer.Ordinal);
        if (_one is not null)
        {
            copy.Add(_one);
        }

        return copy;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Enumerates without allocating, as <c>foreach</c> over a <see cref="HashSet{T}"/> does.</summary>
    public struct Enumerator
    {
        private readonly bool _hasMany;
        private HashSet<string>.Enumerator _many;
        private string? _one;

        internal Enumerator(IdSet set)
        {
            _hasMany = set._many is not null;
            _many = _hasMany ? set._many!.GetEnumerator() : default;
            _one = set._one;
            Current = null!;
        }

        public string Current { get; private set; }

        public bool MoveNext()
        {
            if (_hasMany)
            {
                if (!_many.MoveNext())
                {
                    return false;
                }

                Current = _many.Current;
                return true;
            }

            if (_one is null)
            {
                return false;
            }

            Current = _one;
            _one = null;
            return true;
        }
    }
}
