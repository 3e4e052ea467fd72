using System.Globalization;

namespace Pql.Core.Ingest;

/// <summary>
/// Where each account or user row was kept, so a later row with the same id is checked against it: an exact repeat
/// is a plain duplicate, a repeat with different values is reported (file, line, field, both values, the row kept).
/// </summary>
internal sealed class DuplicateRows(LoadReport report)
{
    private const int MaxSamples = 20;
    private readonly List<long> _keptAt = []; // by entity code: file index << 40 | line
    private readonly List<string> _files = [];

    public void Kept(int code, string file, long line)
    {
        while (_keptAt.Count <= code)
            _keptAt.Add(-1);
        _keptAt[code] = ((long)FileIndex(file) << 40) | line;
    }

    /// <summary>Records a repeat of <paramref name="code"/>; <paramref name="difference"/> is the first differing field, or null for an exact repeat.</summary>
    public void Repeated(string table, int code, ReadOnlySpan<char> id, string file, long line, (string Field, string Kept, string Now)? difference)
    {
        if (difference is not { } d)
            return;
        report.ConflictingDuplicates++;
        if (report.ConflictSamples.Count >= MaxSamples)
            return;
        var kept = code < _keptAt.Count && _keptAt[code] >= 0
            ? $"{Path.GetFileName(_files[(int)(_keptAt[code] >> 40)])}:{_keptAt[code] & ((1L << 40) - 1)}"
            : "an earlier row";
        report.ConflictSamples.Add(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(file)}:{line} {table} '{id}' repeats {kept} with a different '{d.Field}' (\"{d.Now}\" here, \"{d.Kept}\" kept); the row at {kept} is kept"));
    }

    private int FileIndex(string file)
    {
        var i = _files.IndexOf(file);
        if (i >= 0)
            return i;
        _files.Add(file);
        return _files.Count - 1;
    }
}
