using System.Globalization;
using System.Text;

namespace Pql.Core.Ingest;

/// <summary>Collects rejected rows (file, line, field, reason, value) and writes them as CSV.</summary>
internal sealed class RejectLog
{
    private const int MaxValueLength = 200;
    private readonly StringBuilder _csv = new("file,line,field,reason,value\n");
    private readonly LoadReport _report;

    public RejectLog(LoadReport report) => _report = report;

    public long Count { get; private set; }

    /// <summary>The first few rejects as one-line messages, for the error when a load fails.</summary>
    public List<string> Samples { get; } = [];

    public void Add(FileLoadStats stats, long line, string field, string reason, ReadOnlySpan<char> value)
    {
        stats.Rejected++;
        Count++;
        var key = $"{field}: {reason}";
        _report.RejectsByReason[key] = _report.RejectsByReason.GetValueOrDefault(key) + 1;
        var v = value.Length > MaxValueLength ? string.Concat(value[..MaxValueLength], "...") : value.ToString();
        if (Samples.Count < 3)
            Samples.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(stats.File)}:{line} field '{field}': {reason} (\"{v}\")"));
        _csv.Append(Quote(stats.File)).Append(',').Append(line.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Quote(field)).Append(',').Append(Quote(reason)).Append(',').Append(Quote(v)).Append('\n');
    }

    public void WriteTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, _csv.ToString());
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Adds these rejects to an existing rejects file (an append to a loaded store), or writes a new one.</summary>
    public void AppendTo(string path)
    {
        if (!File.Exists(path))
        {
            WriteTo(path);
            return;
        }
        var rows = _csv.ToString();
        var tmp = path + ".tmp";
        File.Copy(path, tmp, overwrite: true);
        File.AppendAllText(tmp, rows[(rows.IndexOf('\n', StringComparison.Ordinal) + 1)..]); // without the header
        File.Move(tmp, path, overwrite: true);
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(',', '"', '\n') < 0 && s.IndexOf('\r', StringComparison.Ordinal) < 0
            ? s
            : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
