using System.Globalization;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// The RFC 4180 record core shared by the sequential <see cref="CsvRowReader"/> and the block parser of
/// <see cref="ParallelCsvRowReader"/>, so both split, unescape and check rows by the same code: finding a record's end
/// (quote parity: every quote toggles), splitting it into fields (quoted fields unescaped in place), and finding an
/// invalid UTF-8 byte (an escape char, see <see cref="TextDecoding"/>) in a record's fields.
/// </summary>
internal sealed class CsvFields(char delimiter)
{
    private int[] _start = new int[64];
    private int[] _length = new int[64];

    public int Count { get; private set; }

    public int Start(int field) => _start[field];

    public int Length(int field) => _length[field];

    public ReadOnlySpan<char> Span(char[] buffer, int field) => buffer.AsSpan(_start[field], _length[field]);

    /// <summary>Index of the newline ending the record at <paramref name="pos"/>, or -1 when <paramref name="len"/> comes first.</summary>
    public static int FindRecordEnd(char[] buffer, int pos, int len, out int newlinesInside, out bool inQuotes)
    {
        newlinesInside = 0;
        inQuotes = false;
        var i = pos;
        while (i < len)
        {
            var span = buffer.AsSpan(i, len - i);
            var k = inQuotes ? span.IndexOf('"') : span.IndexOfAny('"', '\n');
            if (k < 0)
                break;
            if (inQuotes)
                newlinesInside += span[..k].Count('\n');
            i += k;
            if (buffer[i] == '\n')
                return i;
            inQuotes = !inQuotes;
            i++;
        }
        return -1;
    }

    /// <summary>Splits the record [start, end) (no line end) into fields; quoted fields are unescaped in place.</summary>
    public void Split(char[] buffer, int start, int end)
    {
        Count = 0;
        var i = start;
        while (true)
        {
            if (Count == _start.Length)
            {
                Array.Resize(ref _start, Count * 2);
                Array.Resize(ref _length, Count * 2);
            }
            if (i < end && buffer[i] == '"')
            {
                // Quoted: unescape "" in place; the value ends at the closing quote.
                var write = i;
                var read = i + 1;
                while (read < end)
                {
                    var c = buffer[read];
                    if (c == '"')
                    {
                        if (read + 1 < end && buffer[read + 1] == '"')
                        {
                            buffer[write++] = '"';
                            read += 2;
                            continue;
                        }
                        read++;
                        break;
                    }
                    buffer[write++] = c;
                    read++;
                }
                _start[Count] = i;
                _length[Count] = write - i;
                Count++;
                var comma = buffer.AsSpan(read, end - read).IndexOf(delimiter);
                if (comma < 0)
                    return;
                i = read + comma + 1;
            }
            else
            {
                var comma = buffer.AsSpan(i, end - i).IndexOf(delimiter);
                var fieldEnd = comma < 0 ? end : i + comma;
                _start[Count] = i;
                _length[Count] = fieldEnd - i;
                Count++;
                if (comma < 0)
                    return;
                i = fieldEnd + 1;
            }
        }
    }

    /// <summary>A blank line is not a row (unless it opens a quote that never closes).</summary>
    public bool IsBlank(bool unclosedQuote) => Count == 1 && _length[0] == 0 && !unclosedQuote;

    /// <summary>When the split record holds an invalid UTF-8 byte: which byte, where, and in which field (<paramref name="field"/>); null otherwise.</summary>
    public string? FindEscape(char[] buffer, out int field)
    {
        field = -1;
        if (Count == 0)
            return null;
        var recordStart = _start[0];
        for (var f = 0; f < Count; f++)
        {
            var span = Span(buffer, f);
            var k = TextDecoding.IndexOfEscape(span);
            if (k < 0)
                continue;
            field = f;
            // Quoted fields were unescaped in place, so the offset counts from the record's start as it is now.
            var offset = TextDecoding.ByteOffset(buffer.AsSpan(recordStart, _start[f] - recordStart + k), _start[f] - recordStart + k);
            return string.Create(CultureInfo.InvariantCulture,
                $"is not valid UTF-8: byte 0x{span[k] - 0xDC00:X2} at byte {offset + 1} of the line (if the file is Latin-1 or Windows-1252, set encoding: latin1 or windows-1252)");
        }
        return null;
    }

    /// <summary>The split record as a header: names trimmed, checked (invalid bytes, duplicate names, a likely other delimiter).</summary>
    public string[] Header(char[] buffer, string fileName, TableSource? source)
    {
        if (FindEscape(buffer, out _) is { } bad)
            throw new InvalidDataException($"{fileName}: the header {bad}");
        var header = new string[Count];
        for (var i = 0; i < Count; i++)
            header[i] = Span(buffer, i).Trim().ToString();
        CheckHeader(header, fileName, source);
        return header;
    }

    /// <summary>Duplicate column names are an error (one would be lost); a one-column header holding ; tab or | names the likely delimiter.</summary>
    private static void CheckHeader(string[] header, string fileName, TableSource? source)
    {
        for (var i = 0; i < header.Length; i++)
        {
            for (var j = i + 1; j < header.Length; j++)
            {
                if (header[i].Length > 0 && string.Equals(header[i], header[j], StringComparison.Ordinal))
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{fileName}: columns {i + 1} and {j + 1} are both named '{header[i]}'; one would be lost, so rename one in the file"));
            }
        }
        if (source?.Delimiter is not null || header.Length != 1)
            return;
        var only = header[0];
        var guess = only.Contains(';', StringComparison.Ordinal) ? ";" : only.Contains('\t', StringComparison.Ordinal) ? "tab" : only.Contains('|', StringComparison.Ordinal) ? "|" : null;
        if (guess is null)
            return;
        var key = source is { Key.Length: > 0 } ? $"{source.Key}.delimiter" : "delimiter";
        var value = guess == "tab" ? "tab" : $"\"{guess}\"";
        throw new InvalidDataException($"{fileName}: the header reads as one column '{Shorten(only)}'; the file looks {(guess == "tab" ? "tab" : $"'{guess}'")}-delimited: set {key}: {value} in pql.yaml");
    }

    private static string Shorten(string s) => s.Length > 80 ? string.Concat(s.AsSpan(0, 80), "...") : s;

    /// <summary>Maps each slot's column name to its index in the header (-1 when absent).</summary>
    public static int[] SlotColumns(IReadOnlyList<string> header, IReadOnlyList<string> slotColumns)
    {
        var columns = new int[slotColumns.Count];
        for (var s = 0; s < slotColumns.Count; s++)
        {
            columns[s] = -1;
            for (var i = 0; i < header.Count; i++)
            {
                if (string.Equals(header[i], slotColumns[s], StringComparison.Ordinal))
                {
                    columns[s] = i;
                    break;
                }
            }
        }
        return columns;
    }

    /// <summary>Why a split record is not a row, or null: an encoding error, a quote never closed, the wrong field count.</summary>
    public static string? RowError(string? encodingError, bool unclosedQuote, int fieldCount, int headerCount) =>
        encodingError
        ?? (unclosedQuote ? "ends inside a quoted field that is never closed (the file may be cut short)"
        : fieldCount != headerCount ? $"has {fieldCount} fields, the header has {headerCount}"
        : null);
}
