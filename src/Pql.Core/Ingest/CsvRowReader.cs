using System.Text;

namespace Pql.Core.Ingest;

/// <summary>
/// RFC 4180 CSV reader over a large char buffer: quoted fields (with "" escapes and embedded newlines),
/// CRLF or LF, no allocation per row. Quoted fields are unescaped in place.
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
    private int[] _fieldStart = new int[64];
    private int[] _fieldLength = new int[64];
    private int _fieldCount;
    private int[] _slotColumn = [];
    private int _propertiesSlot = -1;
    private string[] _propertyKeys = [];
    private readonly string?[] _propertyValues;
    private string? _propertiesError;
    private bool _unclosedQuote;
    private byte[] _utf8 = new byte[4096];

    public IReadOnlyList<string> Header { get; }

    public CsvRowReader(Stream stream, string fileName, int maxPropertyKeys = 16)
    {
        _reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _propertyValues = new string?[maxPropertyKeys];
        if (!ReadRecord())
            throw new InvalidDataException($"{fileName}: the file is empty (a header row is required)");
        var header = new string[_fieldCount];
        for (var i = 0; i < _fieldCount; i++)
            header[i] = FieldSpan(i).Trim().ToString();
        Header = header;
    }

    /// <summary>Maps slots to columns by name; <paramref name="propertiesSlot"/> holds a JSON object to extract keys from.</summary>
    public void Bind(IReadOnlyList<string> slotColumns, int propertiesSlot, string[] propertyKeys)
    {
        _slotColumn = new int[slotColumns.Count];
        for (var s = 0; s < slotColumns.Count; s++)
            _slotColumn[s] = IndexOfHeader(slotColumns[s]);
        _propertiesSlot = propertiesSlot;
        _propertyKeys = propertyKeys;
    }

    private int IndexOfHeader(string name)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (string.Equals(Header[i], name, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    public override long Line => _line;

    public override string? RowError =>
        _unclosedQuote ? "ends inside a quoted field that is never closed (the file may be cut short)"
        : _fieldCount != Header.Count ? $"has {_fieldCount} fields, the header has {Header.Count}"
        : null;

    public override bool HasColumn(int slot) => _slotColumn[slot] >= 0;

    public override ReadOnlySpan<char> Get(int slot)
    {
        var c = _slotColumn[slot];
        return c >= 0 && c < _fieldCount ? FieldSpan(c) : default;
    }

    public override string? Property(int keyIndex) => _propertyValues[keyIndex];

    public override string? PropertiesError => _propertiesError;

    private ReadOnlySpan<char> FieldSpan(int i) => _buf.AsSpan(_fieldStart[i], _fieldLength[i]);

    public override bool Read()
    {
        while (ReadRecord())
        {
            if (_fieldCount == 1 && _fieldLength[0] == 0 && !_unclosedQuote)
                continue; // a blank line is not a row
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
        var json = Get(_propertiesSlot).Trim();
        if (json.IsEmpty)
            return;
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_utf8.Length < max)
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        var n = Encoding.UTF8.GetBytes(json, _utf8);
        _propertiesError = JsonProperties.Extract(_utf8.AsSpan(0, n), _propertyKeys, _propertyValues);
    }

    private bool ReadRecord()
    {
        while (true)
        {
            if (_pos >= _len && !Fill())
                return false;
            var end = FindRecordEnd(out var newlines, out var inQuotes);
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
            SplitFields(_pos, recEnd);
            _pos = end + 1;
            return true;
        }
    }

    /// <summary>Index of the newline ending the record at _pos, or -1 when the buffer ends first.</summary>
    private int FindRecordEnd(out int newlinesInside, out bool inQuotes)
    {
        newlinesInside = 0;
        inQuotes = false;
        var i = _pos;
        while (i < _len)
        {
            var span = _buf.AsSpan(i, _len - i);
            var k = inQuotes ? span.IndexOf('"') : span.IndexOfAny('"', '\n');
            if (k < 0)
                break;
            if (inQuotes)
                newlinesInside += span[..k].Count('\n');
            i += k;
            if (_buf[i] == '\n')
                return i;
            inQuotes = !inQuotes;
            i++;
        }
        return -1;
    }

    private void SplitFields(int start, int end)
    {
        _fieldCount = 0;
        var i = start;
        while (true)
        {
            if (_fieldCount == _fieldStart.Length)
            {
                Array.Resize(ref _fieldStart, _fieldCount * 2);
                Array.Resize(ref _fieldLength, _fieldCount * 2);
            }
            if (i < end && _buf[i] == '"')
            {
                // Quoted: unescape "" in place; the value ends at the closing quote.
                var write = i;
                var read = i + 1;
                while (read < end)
                {
                    var c = _buf[read];
                    if (c == '"')
                    {
                        if (read + 1 < end && _buf[read + 1] == '"')
                        {
                            _buf[write++] = '"';
                            read += 2;
                            continue;
                        }
                        read++;
                        break;
                    }
                    _buf[write++] = c;
                    read++;
                }
                _fieldStart[_fieldCount] = i;
                _fieldLength[_fieldCount] = write - i;
                _fieldCount++;
                var comma = _buf.AsSpan(read, end - read).IndexOf(',');
                if (comma < 0)
                    return;
                i = read + comma + 1;
            }
            else
            {
                var comma = _buf.AsSpan(i, end - i).IndexOf(',');
                var fieldEnd = comma < 0 ? end : i + comma;
                _fieldStart[_fieldCount] = i;
                _fieldLength[_fieldCount] = fieldEnd - i;
                _fieldCount++;
                if (comma < 0)
                    return;
                i = fieldEnd + 1;
            }
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
        _len += n;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _reader.Dispose();
    }
}
