using System.Buffers;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>How the rows of one CSV file are read: fixed once its header is read and its slots are bound.</summary>
internal sealed record CsvLayout(
    TextEncoding Encoding, char Delimiter, IReadOnlyList<string> Header, int[] SlotColumn, int PropertiesSlot, string[] PropertyKeys, RowPreparer? Preparer)
{
    public bool StrictUtf8 => Encoding == TextEncoding.Utf8;
}

/// <summary>
/// The rows of one block of a CSV file (whole records: it ends at a line end outside quotes, or at the end of the file),
/// decoded and split on a parsing thread by the same <see cref="CsvFields"/> code as <see cref="CsvRowReader"/>. Holds, per
/// row, its line, the bound slots' spans in the block's text, why it is not a row (if so), the extracted properties and
/// the <see cref="PreparedRow"/>. Read through a <see cref="Cursor"/>.
/// </summary>
internal sealed class CsvBlock
{
    private readonly CsvLayout _layout;
    private readonly int _slots;
    private char[] _chars = [];
    private int _rows;
    private long[] _line = [];
    private int[] _fieldCount = [];
    private bool[] _unclosed = [];
    private int[] _slotStart = [];
    private int[] _slotLength = [];
    private string?[]? _properties;
    private string?[]? _propertiesError;
    private string?[]? _encodingError;
    private int[]? _encodingErrorField;
    private PreparedRow[]? _prepared;
    private PreparedNames _names = new();

    private CsvBlock(CsvLayout layout)
    {
        _layout = layout;
        _slots = layout.SlotColumn.Length;
    }

    public int Rows => _rows;

    /// <summary>
    /// Decodes <paramref name="bytes"/>[0..count) (returned to the pool) and parses its rows, the first starting at
    /// <paramref name="firstLine"/>, into <paramref name="recycled"/> (a block read before, so a load reuses a few
    /// blocks' arrays instead of leaving large ones to the collector) or a new block.
    /// </summary>
    public static CsvBlock Parse(CsvLayout layout, CsvBlock? recycled, byte[] bytes, int count, int newlines, long firstLine)
    {
        var block = recycled ?? new CsvBlock(layout);
        block.Reset(count, newlines + 1);
        int length;
        try
        {
            length = TextDecoding.Decode(bytes.AsSpan(0, count), layout.Encoding, block._chars);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        block.ParseRows(0, length, firstLine);
        return block;
    }

    /// <summary>Parses the rows of text already decoded (the header's block, after the header); the block keeps <paramref name="chars"/>.</summary>
    public static CsvBlock ParseDecoded(CsvLayout layout, char[] chars, int from, int length, int newlines, long firstLine)
    {
        var block = new CsvBlock(layout);
        block.Reset(0, newlines + 1);
        block._chars = chars;
        block.ParseRows(from, length, firstLine);
        return block;
    }

    /// <summary>Empties the block and makes room for <paramref name="chars"/> chars of text and <paramref name="capacity"/> rows.</summary>
    private void Reset(int chars, int capacity)
    {
        _rows = 0;
        _names = new PreparedNames(); // a new one per block: the loader tells blocks apart by it
        if (_chars.Length < chars)
            _chars = new char[Math.Max(chars, _chars.Length * 5 / 4)];
        if (_line.Length < capacity)
        {
            capacity = Math.Max(capacity, _line.Length * 5 / 4);
            _line = new long[capacity];
            _fieldCount = new int[capacity];
            _unclosed = new bool[capacity];
            _slotStart = new int[capacity * _slots];
            _slotLength = new int[capacity * _slots];
            _properties = null;
            _propertiesError = null;
            _encodingError = null;
            _encodingErrorField = null;
            _prepared = null;
        }
        if (_layout.PropertiesSlot >= 0)
            _properties ??= new string?[_line.Length * _layout.PropertyKeys.Length];
        if (_layout.Preparer is not null)
            _prepared ??= new PreparedRow[_line.Length];
        if (_propertiesError is not null)
            Array.Clear(_propertiesError);
        if (_encodingError is not null)
            Array.Clear(_encodingError);
    }

    private void ParseRows(int pos, int length, long line)
    {
        var fields = new CsvFields(_layout.Delimiter);
        var escapes = _layout.StrictUtf8 && _chars.AsSpan(pos, length - pos).IndexOfAnyInRange(TextDecoding.FirstEscape, TextDecoding.LastEscape) >= 0;
        var keys = _layout.PropertyKeys;
        var values = new string?[keys.Length];
        var utf8 = new byte[4096];
        var cursor = new Cursor(this);
        var slotColumn = _layout.SlotColumn;
        while (pos < length)
        {
            var end = CsvFields.FindRecordEnd(_chars, pos, length, out var newlines, out var inQuotes);
            var unclosed = false;
            if (end < 0)
            {
                // Only the file's last block can end without a line end: whole if its quotes are closed, cut short if not.
                end = length;
                unclosed = inQuotes;
            }
            var recordLine = line;
            line += 1 + newlines;
            var recordEnd = end > pos && _chars[end - 1] == '\r' ? end - 1 : end;
            fields.Split(_chars, pos, recordEnd);
            pos = end + 1;
            if (fields.IsBlank(unclosed))
                continue;
            var r = _rows++;
            _line[r] = recordLine;
            _fieldCount[r] = fields.Count;
            _unclosed[r] = unclosed;
            var starts = _slotStart.AsSpan(r * _slots, _slots);
            var lengths = _slotLength.AsSpan(r * _slots, _slots);
            for (var s = 0; s < slotColumn.Length; s++)
            {
                var c = slotColumn[s];
                var present = (uint)c < (uint)fields.Count;
                starts[s] = present ? fields.Start(c) : 0;
                lengths[s] = present ? fields.Length(c) : 0;
            }
            if (escapes && fields.FindEscape(_chars, out var field) is { } error)
                SetEncodingError(r, error, field);
            cursor.Row = r;
            if (_properties is not null)
                ExtractProperties(cursor, r, keys, values, ref utf8);
            if (_prepared is not null)
            {
                ref var prepared = ref _prepared[r];
                _layout.Preparer!(cursor, _names, ref prepared);
                prepared.Clean = _encodingError?[r] is null && !unclosed && fields.Count == _layout.Header.Count && _propertiesError?[r] is null;
            }
        }
    }

    private void SetEncodingError(int row, string error, int field)
    {
        _encodingError ??= new string?[_line.Length];
        _encodingErrorField ??= new int[_line.Length];
        _encodingError[row] = error;
        _encodingErrorField[row] = field;
    }

    private void ExtractProperties(Cursor row, int r, string[] keys, string?[] values, ref byte[] utf8)
    {
        var text = row.Get(_layout.PropertiesSlot);
        if (text.IsWhiteSpace())
        {
            // Most rows of an export have no properties: clear the row's values (the block's arrays are reused) and skip the JSON reader.
            _properties!.AsSpan(r * keys.Length, keys.Length).Clear();
            return;
        }
        Array.Clear(values);
        var error = JsonProperties.Extract(text, ref utf8, keys, values);
        if (error is not null)
        {
            _propertiesError ??= new string?[_line.Length];
            _propertiesError[r] = error;
        }
        values.CopyTo(_properties!.AsSpan(r * keys.Length, keys.Length));
    }

    /// <summary>One row of a block seen as a <see cref="RowReader"/>: what the loaders and preparers read.</summary>
    internal sealed class Cursor(CsvBlock block) : RowReader
    {
        public CsvBlock Block { get; set; } = block;

        public int Row { get; set; }

        public override bool Read() => throw new NotSupportedException("a cursor is moved by its reader");

        public override long Line => Block._line[Row];

        public override ReadOnlySpan<char> Get(int slot)
        {
            var i = Row * Block._slots + slot;
            return Block._chars.AsSpan(Block._slotStart[i], Block._slotLength[i]);
        }

        private string? EncodingError => Block._encodingError?[Row];

        public override string? RowError =>
            CsvFields.RowError(EncodingError, Block._unclosed[Row], Block._fieldCount[Row], Block._layout.Header.Count);

        public override string RowErrorField
        {
            get
            {
                var column = EncodingError is null ? -1 : Block._encodingErrorField![Row];
                return column >= 0 && column < Block._layout.Header.Count ? Block._layout.Header[column] : "(row)";
            }
        }

        public override IReadOnlyList<string> Header => Block._layout.Header;

        public override bool HasColumn(int slot) => Block._layout.SlotColumn[slot] >= 0;

        public override string? Property(int keyIndex) =>
            Block._properties is { } p && keyIndex < Block._layout.PropertyKeys.Length ? p[Row * Block._layout.PropertyKeys.Length + keyIndex] : null;

        public override string? PropertiesError => Block._propertiesError?[Row];

        public override bool TryGetPrepared(out PreparedRow prepared)
        {
            if (Block._prepared is { } p)
            {
                prepared = p[Row];
                return true;
            }
            prepared = default;
            return false;
        }

        public override PreparedNames? PreparedNames => Block._prepared is null ? null : Block._names;

        public override bool TryPeekPrepared(int ahead, out PreparedRow prepared)
        {
            if (Block._prepared is { } p && Row + ahead < Block._rows)
            {
                prepared = p[Row + ahead];
                return true;
            }
            prepared = default;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
