using Pql.Core.Events;

namespace Pql.Core.Ingest;

/// <summary>
/// Values a loader computes from one row on a parsing thread instead of its own (see <see cref="RowPreparer"/>): pure
/// functions of the row's text, so the loader's result is the same whether or not a row came prepared.
/// </summary>
internal struct PreparedRow
{
    /// <summary>The timestamp in Unix ms, when <see cref="TimeParsed"/>.</summary>
    public long Time;
    public bool TimeParsed;
    /// <summary>The 128-bit hash of the trimmed event id (<see cref="EventIdSet.Hash"/>), when the row has one.</summary>
    public bool HasEventId;
    public UInt128 EventIdHash;
    /// <summary>Codes found in a copy of the pools taken before the file (-1: not found there, or empty; ask the live pool).</summary>
    public int User;
    public int Account;
    /// <summary>Whether the trimmed user (account) cell is not empty, so a -1 code above means "not in the copy".</summary>
    public bool HasUser;
    public bool HasAccount;
    /// <summary>The trimmed event name and product as codes in the block's <see cref="PreparedNames"/> (-1: empty).</summary>
    public int Event;
    public int Product;
    /// <summary>The row splits into the header's fields, is valid text and its properties are valid JSON (no row error to report).</summary>
    public bool Clean;
}

/// <summary>
/// Event names and products of one parsed block, numbered on the parsing thread in the block's own pools; the loader maps each
/// block code to its store code once per block (<see cref="PreparedNameMap"/>), instead of looking every row's text up. Also the
/// block's memo of the last user and account looked up (exports often hold a user's or an account's rows together).
/// </summary>
internal sealed class PreparedNames
{
    public NameCache Events { get; } = new();
    public NameCache Products { get; } = new();
    public LastLookup User { get; } = new();
    public LastLookup Account { get; } = new();
}

/// <summary>
/// A <see cref="StringPool"/> with a direct-mapped cache in front (slot by length and three chars): a block holds a few dozen
/// distinct event names and products, each row one of them, and a hit costs one short compare instead of a hash-table lookup.
/// </summary>
internal sealed class NameCache
{
    private const int Slots = 256;
    private readonly StringPool _pool = new();
    private readonly string?[] _keys = new string?[Slots];
    private readonly int[] _codes = new int[Slots];

    public StringPool Pool => _pool;

    public int GetOrAdd(ReadOnlySpan<char> name)
    {
        var slot = (name.Length * 31 + name[0] * 7 + name[^1] * 13 + name[name.Length / 2]) & (Slots - 1);
        if (_keys[slot] is { } key && name.SequenceEqual(key))
            return _codes[slot];
        var code = _pool.GetOrAdd(name);
        _keys[slot] = _pool[code];
        _codes[slot] = code;
        return code;
    }
}

/// <summary>The last id looked up in a pool and its code, so a run of rows with the same id looks it up once.</summary>
internal sealed class LastLookup
{
    private char[] _id = new char[64];
    private int _length = -1;
    private int _code;

    public int Find(ReadOnlySpan<char> id, StringPool pool)
    {
        if (id.Length == _length && id.SequenceEqual(_id.AsSpan(0, _length)))
            return _code;
        _code = pool.Find(id);
        if (_id.Length < id.Length)
            _id = new char[id.Length * 2];
        id.CopyTo(_id);
        _length = id.Length;
        return _code;
    }
}

/// <summary>Block codes of one <see cref="PreparedNames"/> pool to store codes, resolved on first use (so codes are given in row order, as without it).</summary>
internal sealed class PreparedNameMap
{
    private StringPool? _names;
    private int[] _codes = [];

    public int Resolve(StringPool names, int local, StringPool store)
    {
        if (!ReferenceEquals(names, _names))
        {
            _names = names;
            if (_codes.Length < names.Count)
                _codes = new int[Math.Max(names.Count, 2 * _codes.Length)];
            Array.Fill(_codes, -1);
        }
        var code = _codes[local];
        if (code < 0)
            _codes[local] = code = store.GetOrAdd(names[local]);
        return code;
    }
}

/// <summary>
/// Fills a row's <see cref="PreparedRow"/> on a parsing thread; must only read the row, immutable state and the block's own
/// <paramref name="names"/>. The row is the block's sealed cursor, not a <see cref="RowReader"/>: its cell reads are then direct
/// calls the JIT inlines (a preparer reads six cells of every row).
/// </summary>
internal delegate void RowPreparer(CsvBlock.Cursor row, PreparedNames names, ref PreparedRow prepared);
