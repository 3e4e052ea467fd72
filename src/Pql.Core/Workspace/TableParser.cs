using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>
/// Parses one table declaration of the <c>data</c> section. A table is either a path (the contract's form)
/// or a mapping that adapts a real export: a glob, a format, column names, a timestamp format,
/// a constant event or product, property columns, or an account resolved through another table; or a PostgreSQL
/// table or query (<see cref="DatabaseSourceParser"/>) with the same row options.
/// </summary>
internal static class TableParser
{
    private static readonly string[] s_keys =
        ["path", "format", "columns", "timestamp_format", "event", "product", "properties", "attributes", "account_via", "from",
         "encoding", "delimiter", "where", "created_at", "id", .. DatabaseSourceParser.Keys];

    public static TableSource? Parse(YamlConfigReader r, string dir, YamlMappingNode data, string name, bool required)
    {
        var node = YamlConfigReader.Child(data, name);
        if (node is null || YamlConfigReader.IsNull(node))
            return required ? throw r.Error(data, $"data.{name}", "is required") : null;
        return ParseNode(r, dir, node, $"data.{name}", name);
    }

    public static TableSource ParseNode(YamlConfigReader r, string dir, YamlNode node, string path, string name)
    {
        var line = (int)node.Start.Line;
        if (node is YamlScalarNode scalar)
            return Files(r, dir, node, path, name, scalar.Value ?? "") with { Line = line, Key = path };

        var map = r.RequireMap(node, path);
        r.AllowOnly(map, path, s_keys);
        var database = DatabaseSourceParser.Parse(r, map, path);
        var from = r.Scalar(map, "from", $"{path}.from");
        var origin = (from, name) switch
        {
            (null, _) => TableOrigin.Files,
            ("users", "accounts") => TableOrigin.FromUsers,
            ("events", "users") => TableOrigin.FromEvents,
            _ => throw r.Error(YamlConfigReader.Child(map, "from")!, $"{path}.from",
                name == "accounts" ? "accounts can only come 'from: users'" : name == "users" ? "users can only come 'from: events'" : "events are read from files; remove 'from'"),
        };
        var source = database is not null
            ? new TableSource { Name = name, Origin = TableOrigin.Files, Pattern = database.Name, Paths = [database.Name], Database = database }
            : origin == TableOrigin.Files
            ? Files(r, dir, map, path, name, r.RequireScalar(map, "path", $"{path}.path"))
            : new TableSource { Name = name, Origin = origin };

        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.Map(map, "columns", $"{path}.columns") is { } colNode)
        {
            foreach (var (k, v) in colNode.Children)
            {
                var contractName = ((YamlScalarNode)k).Value ?? "";
                columns[contractName] = v is YamlScalarNode s && !string.IsNullOrEmpty(s.Value)
                    ? s.Value
                    : throw r.Error(v, $"{path}.columns.{contractName}", "expected the file's column name");
            }
        }
        var tsText = r.Scalar(map, "timestamp_format", $"{path}.timestamp_format") ?? "iso";
        var tsFormat = tsText switch
        {
            "iso" or "iso8601" => TimestampFormat.Iso,
            "unix_s" or "unix_seconds" or "epoch_s" => TimestampFormat.UnixSeconds,
            "unix_ms" or "unix_millis" or "epoch_ms" => TimestampFormat.UnixMillis,
            _ => throw r.Error(YamlConfigReader.Child(map, "timestamp_format")!, $"{path}.timestamp_format", $"'{tsText}' is not a timestamp format; use iso, unix_s or unix_ms"),
        };
        var formatText = r.Scalar(map, "format", $"{path}.format");
        FileFormat? format = formatText switch
        {
            null => source.Format,
            "csv" => FileFormat.Csv,
            "ndjson" or "jsonl" or "json" => FileFormat.Ndjson,
            "parquet" => FileFormat.Parquet,
            _ => throw r.Error(YamlConfigReader.Child(map, "format")!, $"{path}.format", $"'{formatText}' is not a format; use csv, ndjson or parquet"),
        };
        AccountLookup? via = null;
        if (r.Map(map, "account_via", $"{path}.account_via") is { } viaNode)
        {
            var vp = $"{path}.account_via";
            r.AllowOnly(viaNode, vp, ["path", "key", "table_key", "account", .. DatabaseSourceParser.Keys]);
            var viaDatabase = DatabaseSourceParser.Parse(r, viaNode, vp);
            var full = viaDatabase?.Name ?? LookupFile(r, dir, viaNode, vp);
            var key = r.RequireScalar(viaNode, "key", $"{vp}.key");
            via = new AccountLookup(full, key, r.Scalar(viaNode, "table_key", $"{vp}.table_key") ?? key,
                r.Scalar(viaNode, "account", $"{vp}.account") ?? "account_id", (int)viaNode.Start.Line) { Database = viaDatabase };
        }
        return source with
        {
            Format = format,
            Columns = columns,
            TimestampFormat = tsFormat,
            ConstantEvent = r.Scalar(map, "event", $"{path}.event"),
            ConstantProduct = r.Scalar(map, "product", $"{path}.product"),
            PropertyColumns = r.ScalarList(map, "properties", $"{path}.properties"),
            AttributeColumns = r.ScalarList(map, "attributes", $"{path}.attributes"),
            AccountVia = via,
            Encoding = ParseEncoding(r, map, path),
            Delimiter = ParseDelimiter(r, map, path),
            Filters = ParseFilters(r, map, path),
            CreatedAt = ParseCreatedAt(r, map, path, name),
            IdFromLine = ParseId(r, map, path, name),
            Key = path,
            Line = line,
        };
    }

    private static string LookupFile(YamlConfigReader r, string dir, YamlMappingNode viaNode, string vp)
    {
        var viaPath = r.RequireScalar(viaNode, "path", $"{vp}.path");
        var full = Path.GetFullPath(Path.Combine(dir, viaPath));
        return File.Exists(full) ? full : throw r.Error(viaNode, $"{vp}.path", $"file not found: {viaPath}");
    }

    /// <summary><c>created_at: first_event</c> or a constant ISO 8601 time, for accounts and users only.</summary>
    private static CreatedAtRule? ParseCreatedAt(YamlConfigReader r, YamlMappingNode map, string path, string name)
    {
        var text = r.Scalar(map, "created_at", $"{path}.created_at");
        if (text is null)
            return null;
        var node = YamlConfigReader.Child(map, "created_at")!;
        if (name == "events")
            throw r.Error(node, $"{path}.created_at", "only accounts and users have a creation time");
        if (text == "first_event")
            return new CreatedAtRule(null);
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var time)
            ? new CreatedAtRule(time.ToUnixTimeMilliseconds())
            : throw r.Error(node, $"{path}.created_at", $"'{text}' is neither first_event nor an ISO 8601 time");
    }

    /// <summary><c>id: line</c>: rows have no id column and take their line number as id.</summary>
    private static bool ParseId(YamlConfigReader r, YamlMappingNode map, string path, string name)
    {
        var text = r.Scalar(map, "id", $"{path}.id");
        if (text is null)
            return false;
        var node = YamlConfigReader.Child(map, "id")!;
        if (text != "line")
            throw r.Error(node, $"{path}.id", $"'{text}' is not an id rule; use 'line' (each row's line number is its id) or map the id column under columns:");
        return name != "events" ? true : throw r.Error(node, $"{path}.id", "only accounts and users take an id from the line number");
    }

    private static TextEncoding ParseEncoding(YamlConfigReader r, YamlMappingNode map, string path)
    {
        var text = r.Scalar(map, "encoding", $"{path}.encoding");
        return text?.ToLowerInvariant() switch
        {
            null or "utf-8" or "utf8" => TextEncoding.Utf8,
            "latin1" or "latin-1" or "iso-8859-1" => TextEncoding.Latin1,
            "windows-1252" or "cp1252" => TextEncoding.Windows1252,
            _ => throw r.Error(YamlConfigReader.Child(map, "encoding")!, $"{path}.encoding", $"'{text}' is not an encoding; use utf-8, latin1 or windows-1252"),
        };
    }

    private static char? ParseDelimiter(YamlConfigReader r, YamlMappingNode map, string path)
    {
        var text = r.Scalar(map, "delimiter", $"{path}.delimiter");
        return text switch
        {
            null => null,
            "\\t" or "tab" or "\t" => '\t',
            { Length: 1 } when text[0] is not ('"' or '\n' or '\r') => text[0],
            _ => throw r.Error(YamlConfigReader.Child(map, "delimiter")!, $"{path}.delimiter", $"'{text}' is not a delimiter; use one character such as \";\", \"|\" or tab"),
        };
    }

    /// <summary><c>where: { column: value | [values] | { not: value | [values] } }</c>.</summary>
    private static List<RowFilter> ParseFilters(YamlConfigReader r, YamlMappingNode map, string path)
    {
        var filters = new List<RowFilter>();
        if (r.Map(map, "where", $"{path}.where") is not { } where)
            return filters;
        foreach (var (k, v) in where.Children)
        {
            var column = ((YamlScalarNode)k).Value ?? "";
            var key = $"{path}.where.{column}";
            if (v is YamlMappingNode not)
            {
                r.AllowOnly(not, key, "not");
                filters.Add(new RowFilter(column, r.ScalarList(not, "not", $"{key}.not"), Negate: true));
            }
            else
            {
                filters.Add(new RowFilter(column, r.ScalarList(where, column, key), Negate: false));
            }
        }
        return filters;
    }

    private static TableSource Files(YamlConfigReader r, string dir, YamlNode node, string path, string name, string pattern)
    {
        if (pattern.Length == 0)
            throw r.Error(node, path, "expected a file path");
        var paths = Glob(dir, pattern);
        if (paths.Count == 0)
            throw r.Error(node, path, pattern.AsSpan().IndexOfAny('*', '?') >= 0 ? $"no file matches '{pattern}'" : $"file not found: {pattern}");
        return new TableSource { Name = name, Origin = TableOrigin.Files, Pattern = pattern, Paths = paths, Format = FormatOf(paths[0]) };
    }

    /// <summary>Resolves a path relative to the workspace; wildcards (* and ?) are allowed in the file name.</summary>
    public static List<string> Glob(string dir, string pattern)
    {
        var full = Path.GetFullPath(Path.Combine(dir, pattern));
        var fileName = Path.GetFileName(full);
        if (fileName.AsSpan().IndexOfAny('*', '?') < 0)
            return File.Exists(full) ? [full] : [];
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            return [];
        var files = Directory.GetFiles(folder, fileName);
        Array.Sort(files, StringComparer.Ordinal);
        return [.. files];
    }

    public static FileFormat FormatOf(string path)
    {
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pq", StringComparison.OrdinalIgnoreCase))
            return FileFormat.Parquet;
        var p = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return p.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
               || p.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? FileFormat.Ndjson
            : FileFormat.Csv;
    }
}
