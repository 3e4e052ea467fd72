using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// RFC 4180 CSV reader over a large char buffer: quoted fields (with "" escapes and embedded newlines),
/// CRLF or LF, no allocation per row. Quoted fields are unescaped in place. The delimiter and encoding come from
/// the table's declaration; with strict UTF-8 (the default) a row holding invalid bytes is an error naming the byte.
/// </summary>
internal sealed class CsvRowReader : RowReader
{
    private readonly TextReader _reader;
    private char[] _buf = new char[1 << 20];
    private int _pos;
    private int _len;
    private bool _eof;
    private long _nextLine = 1;
    private long _line;
    private readonly CsvFields _fields;
    private int[] _slotColumn = [];
    private int _propertiesSlot = -1;
    private string[] _propertyKeys = [];
    private readonly string?[] _propertyValues;
    private string? _propertiesError;
    private bool _unclosedQuote;
    private byte[] _utf8 = new byte[4096];
    private readonly bool _strictUtf8;
    private bool _escapesInBuffer;
    private string? _encodingError;
    private int _encodingErrorField;

    public override IReadOnlyList<string> Header { get; }

    public CsvRowReader(Stream stream, string fileName, TableSource? source = null, int maxPropertyKeys = 16)
    {
        var encoding = source?.Encoding ?? TextEncoding.Utf8;
        _strictUtf8 = encoding == TextEncoding.Utf8;
        _fields = new CsvFields(source?.Delimiter ?? ',');
        _reader = TextDecoding.Open(stream, encoding);
        _propertyValues = new string?[maxPropertyKeys];
        if (!ReadRecord())
            throw new InvalidDataException($"{fileName}: the file is empty (a header row is required)");
        Header = _fields.Header(_buf, fileName, source);
    }

    /// <summary>Maps slots to columns by name; <paramref name="propertiesSlot"/> holds a JSON object to extract keys from.</summary>
    public void Bind(IReadOnlyList<string> slotColumns, int propertiesSlot, string[] propertyKeys)
    {
        _slotColumn = CsvFields.SlotColumns(Header, slotColumns);
        _propertiesSlot = propertiesSlot;
        _propertyKeys = propertyKeys;
    }

    public override long Line => _line;

    public override string? RowError => CsvFields.RowError(_encodingError, _unclosedQuote, _fields.Count, Header.Count);

    public override string RowErrorField =>
        _encodingError is not null && _encodingErrorField >= 0 && _encodingErrorField < Header.Count ? Header[_encodingErrorField] : "(row)";

    public override bool HasColumn(int slot) => _slotColumn[slot] >= 0;

    public override ReadOnlySpan<char> Get(int slot)
    {
        var c = _slotColumn[slot];
        return c >= 0 && c < _fields.Count ? _fields.Span(_buf, c) : default;
    }

    public override string? Property(int keyIndex) => _propertyValues[keyIndex];

    public override string? PropertiesError => _propertiesError;

    public override bool Read()
    {
        while (ReadRecord())
        {
            if (_fields.IsBlank(_unclosedQuote))
                continue;
            _encodingErrorField = -1;
            _encodingError = _strictUtf8 && _escapesInBuffer ? _fields.FindEscape(_buf, out _encodingErrorField) : null;
            ExtractProperties();
            return true;
        }
        return false;
    }

    private void ExtractProperties()
    {
        Array.Clear(_propertyValues);
        _propertiesError = null;
        if (_propertiesSlot < 0)
            return;
        _propertiesError = JsonProperties.Extract(Get(_propertiesSlot), ref _utf8, _propertyKeys, _propertyValues);
    }

    private bool ReadRecord()
    {
        while (true)
        {
            if (_pos >= _len && !Fill())
                return false;
            var end = CsvFields.FindRecordEnd(_buf, _pos, _len, out var newlines, out var inQuotes);
            _unclosedQuote = false;
            if (end < 0)
            {
                if (Fill())
                    continue;
                // The last record has no final newline: whole if its quotes are closed, cut short if not
                // (it is then a row error, never a row).
                end = _len;
                _unclosedQuote = inQuotes;
            }
            _line = _nextLine;
            _nextLine += 1 + newlines;
            var recEnd = end;
            if (recEnd > _pos && _buf[recEnd - 1] == '\r')
                recEnd--;
            _fields.Split(_buf, _pos, recEnd);
            _pos = end + 1;
            return true;
        }
    }

    /// <summary>Moves the unread tail to the front and reads more; false when nothing more could be read.</summary>
    private bool Fill()
    {
        if (_eof)
            return false;
        if (_pos > _len)
            _pos = _len;
        var tail = _len - _pos;
        if (_pos > 0)
        {
            Array.Copy(_buf, _pos, _buf, 0, tail);
            _pos = 0;
            _len = tail;
        }
        if (_len == _buf.Length)
            Array.Resize(ref _buf, _buf.Length * 2);
        var n = _reader.Read(_buf, _len, _buf.Length - _len);
        if (n == 0)
        {
            _eof = true;
            return tail > 0;
        }
        if (_strictUtf8 && !_escapesInBuffer)
            _escapesInBuffer = _buf.AsSpan(_len, n).IndexOfAnyInRange(TextDecoding.FirstEscape, TextDecoding.LastEscape) >= 0;
        _len += n;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _reader.Dispose();
    }
}
