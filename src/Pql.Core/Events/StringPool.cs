namespace Pql.Core.Events;

/// <summary>
/// Dictionary encoding: each distinct string gets a dense code 0..Count-1 in first-seen order.
/// Lookups by span do not allocate, so parsers can encode without creating a string per row.
/// </summary>
public sealed class StringPool
{
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _values = [];

    public StringPool() => _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _values.Count;

    public string this[int code] => _values[code];

    public IReadOnlyList<string> Values => _values;

    public int GetOrAdd(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var code))
            return code;
        var s = value.ToString();
        code = _values.Count;
        _codes.Add(s, code);
        _values.Add(s);
        return code;
    }

    public int GetOrAdd(string value)
    {
        if (_codes.TryGetValue(value, out var code))
            return code;
        code = _values.Count;
        _codes.Add(value, code);
        _values.Add(value);
        return code;
    }

    /// <summary>The code of a value, or -1 when it was never seen.</summary>
    public int Find(ReadOnlySpan<char> value) => _lookup.TryGetValue(value, out var code) ? code : -1;

    /// <summary>A copy to read from other threads while this pool keeps growing (codes are the same: they only append).</summary>
    public StringPool Copy()
    {
        var copy = new StringPool();
        foreach (var value in _values)
            copy.GetOrAdd(value);
        return copy;
    }

    /// <summary>Approximate bytes held by the strings and the hash table.</summary>
    public long ApproximateBytes()
    {
        long bytes = 0;
        foreach (var v in _values)
            bytes += 24 + 2L * v.Length + 24;
        return bytes;
    }
}
