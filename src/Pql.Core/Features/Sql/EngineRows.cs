using System.Globalization;
using System.Text;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Keeps an engine that reads the workspace files itself (DuckDB) from computing on other rows than the loader kept. The loader rejects
/// malformed rows, drops repeated event_ids and rows outside a table's <c>where:</c>, and adds the events <c>pql serve</c> received; DuckDB
/// reading the files as they are would count those rows (or fail on them with a message naming neither file nor line). Until the engine
/// applies the same row rules itself, a load that dropped or added any row of what it reads stops with one line naming the first such
/// row (file, line, field), so a user never gets silently different features.
/// </summary>
public static class EngineRows
{
    /// <summary>Throws <see cref="PqlInputException"/> when <paramref name="report"/> shows rows the engine would read differently.</summary>
    public static void Check(WorkspaceConfig config, LoadReport report)
    {
        if (Problem(config, report) is { } problem)
            throw new PqlInputException(problem);
    }

    /// <summary>The one-line problem <see cref="Check"/> throws, or null when the engine reads the rows the loader kept (or reads no files).</summary>
    public static string? Problem(WorkspaceConfig config, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(report);
        if (config.Engine.Kind != EngineKind.DuckDb)
            return null;
        var read = new HashSet<string>(config.Data.Events.SelectMany(t => t.Paths), StringComparer.Ordinal);
        if (config.Data.Users is { Origin: TableOrigin.Files } users)
            read.UnionWith(users.Paths);
        var files = report.Files.Where(f => read.Contains(f.File)).ToList();
        long rejected = files.Sum(f => f.Rejected), duplicates = files.Sum(f => f.Duplicates), filtered = files.Sum(f => f.Filtered);
        var posted = report.Files.Where(f => f.Table == "events" && !read.Contains(f.File)).Sum(f => f.Loaded);
        if (rejected + duplicates + filtered + posted == 0)
            return null;
        var parts = new List<string>();
        if (rejected > 0)
            parts.Add(FirstReject(report.RejectsPath, read) is { } first ? $"{first} ({rejected:N0} rejected rows)" : $"{rejected:N0} rejected rows");
        if (duplicates > 0)
            parts.Add($"{duplicates:N0} repeated ids dropped ({DroppedIn(files, f => f.Duplicates)})");
        if (filtered > 0)
            parts.Add($"{filtered:N0} rows left out by 'where:' ({DroppedIn(files, f => f.Filtered)})");
        if (posted > 0)
            parts.Add($"{posted:N0} events received by pql serve");
        return string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(config.ConfigPath)}: engine duckdb reads the data files as they are, but the load dropped or added rows it would read: {string.Join("; ", parts)}. Fix those rows or use engine: memory");
    }

    private static string DroppedIn(List<FileLoadStats> files, Func<FileLoadStats, long> count) =>
        string.Join(", ", files.Where(f => count(f) > 0).Take(3).Select(f => Path.GetFileName(f.File)));

    /// <summary>The first row of the rejects file (file, line, field, reason) that belongs to one of <paramref name="files"/>.</summary>
    private static string? FirstReject(string? rejectsPath, HashSet<string> files)
    {
        if (rejectsPath is null || !File.Exists(rejectsPath))
            return null;
        using var reader = new StreamReader(rejectsPath, Encoding.UTF8);
        Record(reader); // header
        while (Record(reader) is { Count: >= 4 } f)
        {
            if (files.Contains(f[0]))
                return $"{Path.GetFileName(f[0])}:{f[1]} field '{f[2]}': {f[3]}";
        }
        return null;
    }

    /// <summary>One record of the rejects CSV (RFC 4180 quoting, newlines inside quotes), or null at the end.</summary>
    private static List<string>? Record(StreamReader reader)
    {
        if (reader.Peek() < 0)
            return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"')
                    field.Append((char)reader.Read());
                else if (c == '"')
                    quoted = false;
                else
                    field.Append((char)c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
                break;
            else
                field.Append((char)c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
