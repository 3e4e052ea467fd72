using System.Globalization;

namespace Pql.Core.Events;

/// <summary>Collects raw attribute text per entity and types each column once all rows are in.</summary>
internal sealed class AttributeBuilder
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<List<string?>> _values = [];

    public void Set(int entity, IEnumerable<KeyValuePair<string, string>> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (!_index.TryGetValue(name, out var c))
            {
                c = _names.Count;
                _index[name] = c;
                _names.Add(name);
                _values.Add([]);
            }
            var col = _values[c];
            while (col.Count <= entity)
                col.Add(null);
            col[entity] ??= value;
        }
    }

    /// <summary>The raw text kept for an entity's attribute, or null when it has none.</summary>
    public string? Get(int entity, string name) =>
        _index.TryGetValue(name, out var c) && entity < _values[c].Count ? _values[c][entity] : null;

    public List<AttributeColumn> Build(int rows)
    {
        var result = new List<AttributeColumn>(_names.Count);
        for (var c = 0; c < _names.Count; c++)
            result.Add(Type(_names[c], _values[c], rows));
        return result;
    }

    private static AttributeColumn Type(string name, List<string?> raw, int rows)
    {
        string? Get(int i) => i < raw.Count && !string.IsNullOrWhiteSpace(raw[i]) ? raw[i] : null;

        var numeric = true;
        var timestamp = true;
        var any = false;
        for (var i = 0; i < rows && (numeric || timestamp); i++)
        {
            var v = Get(i);
            if (v is null)
                continue;
            any = true;
            numeric &= double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            timestamp &= v.Length >= 10 && v[4] == '-' && Timestamps.TryParseIso(v, out _);
        }
        if (any && numeric)
        {
            var nums = new double[rows];
            for (var i = 0; i < rows; i++)
                nums[i] = Get(i) is { } v ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : double.NaN;
            return new AttributeColumn { Name = name, Kind = AttributeKind.Numeric, Numbers = nums };
        }
        if (any && timestamp)
        {
            var times = new long[rows];
            for (var i = 0; i < rows; i++)
                times[i] = Get(i) is { } v && Timestamps.TryParseIso(v, out var t) ? t : AttributeColumn.MissingTime;
            return new AttributeColumn { Name = name, Kind = AttributeKind.Timestamp, Times = times };
        }
        var levels = new StringPool();
        var codes = new int[rows];
        for (var i = 0; i < rows; i++)
            codes[i] = Get(i) is { } v ? levels.GetOrAdd(v) : -1;
        return new AttributeColumn { Name = name, Kind = AttributeKind.Category, Codes = codes, Levels = levels };
    }
}
