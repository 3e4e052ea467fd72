using System.Text;
using DuckDB.NET.Data;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Embedded DuckDB, out of core: with a memory limit DuckDB spills its hash tables to <c>&lt;workspace&gt;/.pql/duckdb-tmp</c> instead of
/// failing. <c>engine: duckdb</c> computes on the spool of the rows the loader kept (<see cref="EventSpool"/>), so every row rule of the
/// loader applies, whatever the tables were read from. Without a spool it reads the workspace's event files where they are (CSV, gzip'd
/// or not, NDJSON and Parquet): column mapping, constant event or product and the products map apply as in the in-memory load, but not
/// the loader's row rules (rejects, dedupe, <c>where:</c>); tables that resolve their account through a lookup (<c>account_via</c>) and
/// tables read from PostgreSQL are refused with a clear error.
/// </summary>
internal sealed class DuckDbFeatureSource : ISqlFeatureSource
{
    private readonly DuckDBConnection _connection;
    private readonly WorkspaceConfig _workspace;
    private readonly Dictionary<(EntityKind, string?), string> _materialized = [];

    /// <summary>
    /// A source over <paramref name="spool"/>, the loader's kept events (<see cref="EventSpool"/>), or, when it is null, over the
    /// workspace's files as they are; <paramref name="memoryLimitBytes"/> is DuckDB's memory_limit (it spills past it).
    /// </summary>
    public DuckDbFeatureSource(WorkspaceConfig workspace, long? memoryLimitBytes = null, string? spool = null)
    {
        _workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
        _spool = spool;
        if (spool is null)
            RefuseDatabaseTables(workspace);
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();
        Execute("SET TimeZone = 'UTC'");   // an ISO time without an offset is UTC, as in the contract
        Execute("SET temp_directory = " + SqlDialect.DuckDb.Literal(Path.Combine(workspace.StateDirectory, "duckdb-tmp")));
        if (memoryLimitBytes is { } limit)
            Execute($"SET memory_limit = '{limit >> 20}MiB'");   // DuckDB's MB is 10^6 bytes
        PartBytes = memoryLimitBytes / 4;
        if (spool is not null)
            Execute($"ATTACH {SqlDialect.DuckDb.Literal(spool)} AS spool (READ_ONLY)");
    }

    private readonly string? _spool;
    private readonly Dictionary<string, string> _condensed = [];
    private string? _scratch;

    public SqlDialect Dialect => SqlDialect.DuckDb;

    /// <summary>DuckDB reads files: an events or users table read from PostgreSQL stops the engine with one line, before any query.</summary>
    private static void RefuseDatabaseTables(WorkspaceConfig workspace)
    {
        foreach (var table in workspace.Data.Events.Append(workspace.Data.Users))
        {
            if (table?.Database is { } database)
                throw new PqlInputException($"{Path.GetFileName(workspace.ConfigPath)}:{database.Line} key '{table.Key}': engine duckdb reads the workspace's files, and this table is read from PostgreSQL ({database.Name}); use engine: memory, or export the table to Parquet");
        }
    }

    public IReadOnlyList<string> EventNames()
    {
        var names = new List<string>();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = _spool is null
            ? $"SELECT DISTINCT event FROM ({EventUnion(null)}) WHERE event IS NOT NULL ORDER BY event"
            : "SELECT name FROM spool.event_names WHERE e IN (SELECT DISTINCT e FROM spool.events) ORDER BY name";
        using var r = Guard(cmd.ExecuteReader);
        while (Guard(r.Read))
            names.Add(r.GetString(0));
        return names;
    }

    /// <summary>Every table can give a property: from its JSON properties column, or a plain column kept as one (null otherwise).</summary>
    public string? PropertyColumn(string key) => SqlFeaturePlan.PropertyAlias;

    /// <summary>
    /// The spool's events joined back to text, a subquery each feature query runs (the spool is on disk already; a temporary copy in
    /// this in-memory database could not be spilled and ran out of memory under a budget). Without a spool, the events are read from
    /// the files once per source into a temporary table, so the feature queries (measures, weeks, days, users) do not parse the
    /// files again each.
    /// </summary>
    public string EventsRelation(EntityKind entity, string? propertyKey)
    {
        if (_spool is not null)
            return FromSpool(entity, propertyKey);
        var key = (entity, propertyKey);
        if (!_materialized.TryGetValue(key, out var table))
        {
            table = $"pql_events_{_materialized.Count}";
            Guard(() => Execute($"CREATE TEMP TABLE {table} AS {FromFiles(entity, propertyKey)}"));
            _materialized[key] = table;
        }
        return $"SELECT * FROM {table}";
    }

    /// <summary>
    /// The events condensed (<see cref="CondensedEvents"/>; the spool on its integer codes before its text is joined back, a far smaller
    /// join), written once per source into a table of a scratch database file, so the feature queries (and each part of the rows, see
    /// <see cref="RowsParts"/>) read it without condensing again, and DuckDB pages it to disk under a memory limit (a temporary table of
    /// this in-memory database could not be paged out).
    /// </summary>
    public string CondensedRelation(EntityKind entity, string? propertyKey, long[] splits)
    {
        var key = $"{entity}|{propertyKey}|{string.Join(',', splits)}";
        if (!_condensed.TryGetValue(key, out var table))
        {
            table = $"scratch.condensed_{_condensed.Count}";
            var select = _spool is not null ? FromSpool(entity, propertyKey, splits) : CondensedEvents.Over(EventsRelation(entity, propertyKey), splits);
            AttachScratch();
            Guard(() => Execute($"CREATE TABLE {table} AS {select}"));
            _condensed[key] = table;
        }
        return $"SELECT * FROM {table}";
    }

    /// <summary>Bytes DuckDB may hold per (row, measure) of a feature query's grouped aggregate, hash table included (an estimate on the high side).</summary>
    internal const long BytesPerRowMeasure = 64;

    /// <summary>
    /// What one part of the rows may estimate for its grouped aggregate (<see cref="RowsParts"/>): a quarter of the memory limit, none
    /// without one.
    /// </summary>
    internal long? PartBytes { get; init; }

    /// <summary>
    /// Under a memory limit, the rows in as many parts (by a hash of the entity) as keep each part's grouped aggregate within
    /// <see cref="PartBytes"/>: the measures query's hundreds of aggregates per (entity, cutoff) outgrew a 512 MB limit at 221K rows
    /// (DuckDB then fails rather than spill). Each part reads the condensed events again, a scan.
    /// </summary>
    public IReadOnlyList<string> RowsParts(int rows, int measures)
    {
        var parts = PartBytes is { } bytes ? (int)Math.Min(4096, (long)rows * (measures + 2) * BytesPerRowMeasure / Math.Max(1, bytes) + 1) : 1;
        if (parts == 1)
            return [FeatureSqlBuilder.RowsTable];
        return [.. Enumerable.Range(0, parts).Select(p =>
            $"(SELECT entity_id, cutoff_ms FROM {FeatureSqlBuilder.RowsTable} WHERE hash(entity_id) % {parts} = {p})")];
    }

    /// <summary>A database file in the workspace's DuckDB spill folder for this source's tables, deleted with the source.</summary>
    private void AttachScratch()
    {
        if (_scratch is not null)
            return;
        var folder = Path.Combine(_workspace.StateDirectory, "duckdb-tmp");
        Directory.CreateDirectory(folder);
        _scratch = Path.Combine(folder, $"features-{Environment.ProcessId}-{Guid.NewGuid():N}.duckdb");
        Execute($"ATTACH {SqlDialect.DuckDb.Literal(_scratch)} AS scratch");
    }

    /// <summary>
    /// The spooled events with their codes joined back to the store's text; no user or property is NULL, as in the files. With
    /// <paramref name="splits"/>, condensed (<see cref="CondensedEvents"/>) on the codes first.
    /// </summary>
    private string FromSpool(EntityKind entity, string? propertyKey, long[]? splits = null)
    {
        var index = propertyKey is null ? -1 : SpooledProperty(propertyKey);
        var prop = index < 0 ? "CAST(NULL AS VARCHAR)" : "pv.value";
        var propJoin = index < 0 ? "" : $"LEFT JOIN spool.property_values pv ON pv.k = {index} AND pv.v = ev.p{index}";
        var (entityId, accountJoin, where) = entity == EntityKind.User
            ? ("us.id", "", "WHERE ev.u IS NOT NULL")
            : ("ac.id", "JOIN spool.accounts ac ON ac.a = ev.a", "");
        var codes = "a, u, e, p" + (index < 0 ? "" : $", p{index}");
        var (events, times) = splits is null
            ? ("spool.events", "ev.t")
            : ($"(SELECT {codes}, count(*) AS n, min(t) AS t0, max(t) AS t FROM spool.events GROUP BY {codes}, {CondensedEvents.TimeKeys("t", splits)})",
               "ev.n, ev.t0, ev.t");
        return $"""
            SELECT {entityId} AS entity_id, us.id AS user_id, nm.name AS event, pr.name AS product, {times}, {prop} AS prop
            FROM {events} ev
            {accountJoin}
            LEFT JOIN spool.users us ON us.u = ev.u
            JOIN spool.event_names nm ON nm.e = ev.e
            LEFT JOIN spool.products pr ON pr.p = ev.p
            {propJoin}
            {where}
            """;
    }

    /// <summary>The spool's column number of a property key (p0, p1, ...), or -1 when the load kept no such property.</summary>
    private int SpooledProperty(string key)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT k FROM spool.spool_properties WHERE key = {Dialect.Literal(key)}";
        return cmd.ExecuteScalar() is { } k ? Convert.ToInt32(k, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    private string FromFiles(EntityKind entity, string? propertyKey)
    {
        var users = _workspace.Data.Users;
        var all = EventUnion(propertyKey);
        if (entity == EntityKind.User)
            return $"SELECT ev.user_id AS entity_id, ev.user_id, ev.event, ev.product, ev.t, ev.prop FROM ({all}) ev WHERE ev.user_id IS NOT NULL";
        if (users is null || users.Origin != TableOrigin.Files)
            return $"SELECT ev.account_id AS entity_id, ev.user_id, ev.event, ev.product, ev.t, ev.prop FROM ({all}) ev";
        // An event without account_id belongs to its user's account, as the in-memory load resolves it.
        return $"""
            SELECT coalesce(ev.account_id, us.account_id) AS entity_id, ev.user_id, ev.event, ev.product, ev.t, ev.prop
            FROM ({all}) ev
            LEFT JOIN (SELECT DISTINCT {Text(users, "user_id")} AS user_id, {Text(users, "account_id")} AS account_id FROM {Reader(users)}) us
              ON us.user_id = ev.user_id
            """;
    }

    public void LoadRows(IReadOnlyList<string> entityIds, ReadOnlySpan<long> cutoffs)
    {
        Execute($"CREATE OR REPLACE TEMP TABLE {FeatureSqlBuilder.RowsTable} (entity_id VARCHAR, cutoff_ms BIGINT)");
        using var appender = _connection.CreateAppender(FeatureSqlBuilder.RowsTable);
        for (var i = 0; i < cutoffs.Length; i++)
            appender.CreateRow().AppendValue(entityIds[i]).AppendValue(cutoffs[i]).EndRow();
    }

    public IEnumerable<SqlResultRow> Read(string sql, int measures, bool keyed = false)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        using var r = Guard(cmd.ExecuteReader);
        var first = keyed ? 3 : 2;
        while (Guard(r.Read))
        {
            var values = new long[measures];
            for (var m = 0; m < measures; m++)
                values[m] = r.IsDBNull(m + first) ? FeatureFormulas.None : Convert.ToInt64(r.GetValue(m + first), System.Globalization.CultureInfo.InvariantCulture);
            var key = keyed && !r.IsDBNull(2) ? Convert.ToString(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) : null;
            yield return new(r.GetString(0), r.GetInt64(1), key, values);
        }
    }

    /// <summary>A DuckDB setting's current value as text (memory_limit, temp_directory).</summary>
    internal string Setting(string name)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT current_setting(" + SqlDialect.DuckDb.Literal(name) + ")";
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public void Dispose()
    {
        _connection.Dispose();
        if (_scratch is not null)
        {
            File.Delete(_scratch);
            File.Delete(_scratch + ".wal");
        }
    }

    /// <summary>
    /// DuckDB's error on a file it cannot read (a malformed row the loader would have rejected, say) as one input error naming the files;
    /// DuckDB's message names the line when it knows it.
    /// </summary>
    private T Guard<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (DuckDBException e)
        {
            var files = string.Join(", ", _workspace.Data.Events.SelectMany(t => t.Paths).Select(Path.GetFileName).Distinct().Take(3));
            var message = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];   // the rest echoes the query
            throw new PqlInputException($"engine duckdb could not read the event files ({files}): {message}", e);
        }
    }

    /// <summary>Every event table as (account_id, user_id, event, product, t, prop) with the workspace's mapping applied.</summary>
    private string EventUnion(string? propertyKey)
    {
        var parts = new List<string>();
        foreach (var table in _workspace.Data.Events)
        {
            if (table.AccountVia is not null)
                throw new PqlInputException($"{Path.GetFileName(_workspace.ConfigPath)}:{table.Line} key 'data.events': engine duckdb does not resolve accounts through 'account_via' yet; use engine memory for this workspace");
            var columns = Describe(table);
            string Optional(string contract) => columns.Contains(table.Column(contract)) ? Text(table, contract) : "CAST(NULL AS VARCHAR)";
            var eventExpr = table.ConstantEvent is { } ce ? Dialect.Literal(ce) : Text(table, "event");
            parts.Add($"""
                SELECT {Optional("account_id")} AS account_id, {Optional("user_id")} AS user_id, {eventExpr} AS event,
                       {Product(table, eventExpr, columns)} AS product, {Time(table)} AS t, {Property(table, propertyKey, columns)} AS prop
                FROM {Reader(table)}
                """);
        }
        return string.Join("\nUNION ALL\n", parts);
    }

    private string Product(TableSource table, string eventExpr, HashSet<string> columns)
    {
        if (table.ConstantProduct is { } cp)
            return Dialect.Literal(cp);
        var map = new StringBuilder();
        foreach (var (ev, product) in _workspace.ProductOfEvent)
            map.Append($" WHEN {Dialect.Literal(ev)} THEN {Dialect.Literal(product)}");
        var fromMap = map.Length == 0 ? "CAST(NULL AS VARCHAR)" : $"CASE {eventExpr}{map} END";
        return columns.Contains(table.Column("product")) ? $"coalesce({Text(table, "product")}, {fromMap})" : fromMap;
    }

    /// <summary>The property as text: a plain column kept as that property, else the key of the JSON properties column (null when absent).</summary>
    private static string Property(TableSource table, string? key, HashSet<string> columns)
    {
        if (key is null)
            return "CAST(NULL AS VARCHAR)";
        if (table.PropertyColumns.Contains(key) && columns.Contains(key))
            return $"nullif(trim(CAST(\"{key.Replace("\"", "\"\"", StringComparison.Ordinal)}\" AS VARCHAR)), '')";
        var json = table.Column("properties");
        if (!columns.Contains(json))
            return "CAST(NULL AS VARCHAR)";
        var path = SqlDialect.DuckDb.Literal("$.\"" + key.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        return $"nullif(json_extract_string(CAST(\"{json.Replace("\"", "\"\"", StringComparison.Ordinal)}\" AS VARCHAR), {path}), '')";
    }

    private static string Time(TableSource table)
    {
        var raw = Text(table, "timestamp");
        return table.TimestampFormat switch
        {
            TimestampFormat.UnixSeconds => $"CAST({raw} AS BIGINT) * 1000",
            TimestampFormat.UnixMillis => $"CAST({raw} AS BIGINT)",
            _ => $"epoch_ms(CAST({raw} AS TIMESTAMPTZ))",
        };
    }

    /// <summary>A contract column as text, empty strings as NULL (the CSV reader's "absent").</summary>
    private static string Text(TableSource table, string contract) =>
        $"nullif(trim(CAST(\"{table.Column(contract).Replace("\"", "\"\"", StringComparison.Ordinal)}\" AS VARCHAR)), '')";

    private static string Reader(TableSource table)
    {
        var files = "[" + string.Join(", ", table.Paths.Select(p => SqlDialect.DuckDb.Literal(p))) + "]";
        if ((table.Format ?? (table.Paths.Count > 0 ? TableParser.FormatOf(table.Paths[0]) : FileFormat.Csv)) == FileFormat.Parquet)
            return $"read_parquet({files}, union_by_name = true)";
        return table.Format == FileFormat.Ndjson || (table.Format is null && table.Paths.Count > 0 && IsJson(table.Paths[0]))
            ? $"read_json({files}, format = 'newline_delimited', union_by_name = true)"
            : $"read_csv({files}, header = true, all_varchar = true, union_by_name = true)";
    }

    private static bool IsJson(string path) =>
        path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".ndjson.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase);

    private HashSet<string> Describe(TableSource table)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"DESCRIBE SELECT * FROM {Reader(table)}";
        using var r = Guard(cmd.ExecuteReader);
        while (Guard(r.Read))
            names.Add(r.GetString(0));
        return names;
    }

    private int Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }
}
