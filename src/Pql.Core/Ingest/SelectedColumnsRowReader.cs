namespace Pql.Core.Ingest;

/// <summary>
/// A reader whose source can be asked for just the bound columns, each row's values coming back as text (Parquet through DuckDB,
/// PostgreSQL through binary COPY): slots are mapped to the selected columns by name, and the JSON properties column is parsed per
/// row as the CSV reader does. Subclasses start their scan in <c>Bind</c> and fill <see cref="ReadValues"/>.
/// </summary>
internal abstract class SelectedColumnsRowReader : RowReader
{
    private int[] _slotColumn = [];
    private string?[] _values = [];
    private int _propertiesSlot = -1;
    private string[] _propertyKeys = [];
    private string?[] _propertyValues = [];
    private string? _propertiesError;
    private byte[] _utf8 = new byte[4096];
    private long _row;

    /// <summary>The source's column names, in its order.</summary>
    public abstract override IReadOnlyList<string> Header { get; }

    public override long Line => _row;
    public override string? RowError => null;
    public override string? PropertiesError => _propertiesError;
    public override bool HasColumn(int slot) => _slotColumn[slot] >= 0;
    public override string? Property(int keyIndex) => _propertyValues[keyIndex];

    public override ReadOnlySpan<char> Get(int slot)
    {
        var c = _slotColumn[slot];
        return c >= 0 ? _values[c].AsSpan() : default;
    }

    /// <summary>
    /// Maps each slot to its column among the selected ones (-1 when the source has no column of that name, a column asked for by
    /// two slots selected once) and returns the selected columns' positions in <see cref="Header"/>, in the order to select them.
    /// </summary>
    protected List<int> SelectColumns(IReadOnlyList<string> slotColumns, int propertiesSlot, string[] propertyKeys)
    {
        var selected = new List<int>();
        _slotColumn = new int[slotColumns.Count];
        for (var s = 0; s < slotColumns.Count; s++)
        {
            var column = IndexInHeader(slotColumns[s]);
            var at = column < 0 ? -1 : selected.IndexOf(column);
            if (column >= 0 && at < 0)
            {
                at = selected.Count;
                selected.Add(column);
            }
            _slotColumn[s] = at;
        }
        _values = new string?[selected.Count];
        _propertiesSlot = propertiesSlot;
        _propertyKeys = propertyKeys;
        _propertyValues = new string?[propertyKeys.Length];
        return selected;
    }

    private int IndexInHeader(string name)
    {
        for (var c = 0; c < Header.Count; c++)
        {
            if (Header[c] == name)
                return c;
        }
        return -1;
    }

    /// <summary>Reads the next row's selected values, in selection order, into <paramref name="values"/>; false at the end.</summary>
    protected abstract bool ReadValues(string?[] values);

    public sealed override bool Read()
    {
        if (!ReadValues(_values))
            return false;
        _row++;
        Array.Clear(_propertyValues);
        _propertiesError = _propertiesSlot >= 0 && HasColumn(_propertiesSlot)
            ? JsonProperties.Extract(Get(_propertiesSlot), ref _utf8, _propertyKeys, _propertyValues)
            : null;
        return true;
    }
}
