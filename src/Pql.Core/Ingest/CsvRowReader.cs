using System.Globalization;
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
    private readonly char _delimiter;
    private readonly bool _strictUtf8;
    private bool _escapesInBuffer;
    private string? _encodingError;
    private int _encodingErrorField;

    public override IReadOnlyList<string> Header { get; }

    public CsvRowReader(Stream stream, string fileName, TableSource? source = null, int maxPropertyKeys = 16)
    {
        var encoding = source?.Encoding ?? TextEncoding.Utf8;
        _strictUtf8 = encoding == TextEncoding.Utf8;
        _delimiter = source?.Delimiter ?? ',';
        _reader = TextDecoding.Open(stream, encoding);
        _propertyValues = new string?[maxPropertyKeys];
        if (!ReadRecord())
            throw new InvalidDataException($"{fileName}: the file is empty (a header row is required)");
        if (FindEscape() is { } bad)
            throw new InvalidDataException($"{fileName}: the header {bad}");
        var header = new string[_fieldCount];
        for (var i = 0; i < _fieldCount; i++)
            header[i] = FieldSpan(i).Trim().ToString();
        Header = header;
        CheckHeader(fileName, source);
    }

    /// <summary>Duplicate column names are an error (one would be lost); a one-column header holding ; tab or | names the likely delimiter.</summary>
    private void CheckHeader(string fileName, TableSource? source)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            for (var j = i + 1; j < Header.Count; j++)
            {
                if (Header[i].Length > 0 && string.Equals(Header[i], Header[j], StringComparison.Ordinal))
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{fileName}: columns {i + 1} and {j + 1} are both named '{Header[i]}'; one would be lost, so rename one in the file"));
            }
        }
        if (source?.Delimiter is not null || Header.Count != 1)
            return;
        var only = Header[0];
        var guess = only.Contains(';', StringComparison.Ordinal) ? ";" : only.Contains('\t', StringComparison.Ordinal) ? "tab" : only.Contains('|', StringComparison.Ordinal) ? "|" : null;
        if (guess is null)
            return;
        var key = source is { Key.Length: > 0 } ? $"{source.Key}.delimiter" : "delimiter";
        var value = guess == "tab" ? "tab" : $"\"{guess}\"";
        throw new InvalidDataException($"{fileName}: the header reads as one column '{Shorten(only)}'; the file looks {(guess == "tab" ? "tab" : $"'{guess}'")}-delimited: set {key}: {value} in pql.yaml");
    }

    private static string Shorten(string s) => s.Length > 80 ? string.Concat(s.AsSpan(0, 80), "...") : s;

    /// <summary>When the current record holds an invalid UTF-8 byte: which byte, where, and in which field; null otherwise.</summary>
    private string? FindEscape()
    {
        _encodingErrorField = -1;
        if (!_escapesInBuffer || _fieldCount == 0)
            return null;
        var recordStart = _fieldStart[0];
        for (var f = 0; f < _fieldCount; f++)
        {
            var field = FieldSpan(f);
            var k = TextDecoding.IndexOfEscape(field);
            if (k < 0)
                continue;
            _encodingErrorField = f;
            // Quoted fields were unescaped in place, so the offset counts from the record's start as it is now.
            var offset = TextDecoding.ByteOffset(_buf.AsSpan(recordStart, _fieldStart[f] - recordStart + k), _fieldStart[f] - recordStart + k);
            return string.Create(CultureInfo.InvariantCulture,
                $"is not valid UTF-8: byte 0x{field[k] - 0xDC00:X2} at byte {offset + 1} of the line (if the file is Latin-1 or Windows-1252, set encoding: latin1 or windows-1252)");
        }
        return null;
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
        _encodingError
        ?? (_unclosedQuote ? "ends inside a quoted field that is never closed (the file may be cut short)"
        : _fieldCount != Header.Count ? $"has {_fieldCount} fields, the header has {Header.Count}"
        : null);

    public override string RowErrorField =>
        _encodingError is not null && _encodingErrorField >= 0 && _encodingErrorField < Header.Count ? Header[_encodingErrorField] : "(row)";

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
            _encodingError = _strictUtf8 ? FindEscape() : null;
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
                var comma = _buf.AsSpan(read, end - read).IndexOf(_delimiter);
                if (comma < 0)
                    return;
                i = read + comma + 1;
            }
            else
            {
                var comma = _buf.AsSpan(i, end - i).IndexOf(_delimiter);
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
