using System.Text;
using Npgsql;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Events in a PostgreSQL table or view: columns <c>timestamp</c> (timestamptz), <c>event</c>, <c>user_id</c>, <c>account_id</c> and
/// <c>product</c> (text; account_id and product may be null). An event without account_id belongs to its user's account, looked up in
/// <paramref name="usersTable"/> (user_id, account_id) when one is given; a missing product comes from the workspace's products map.
/// One connection is held for the source's life: the (entity, cutoff) rows live in a temporary table of that session.
/// </summary>
internal sealed class PostgresFeatureSource(string connectionString, string eventsTable, string? usersTable, IReadOnlyDictionary<string, string> productOfEvent)
    : ISqlFeatureSource
{
    private readonly NpgsqlConnection _connection = Open(connectionString);

    public SqlDialect Dialect => SqlDialect.Postgres;

    public IReadOnlyList<string> EventNames()
    {
        var names = new List<string>();
        using var cmd = new NpgsqlCommand($"SELECT DISTINCT event FROM {eventsTable} WHERE event IS NOT NULL ORDER BY 1", _connection);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            names.Add(r.GetString(0));
        return names;
    }

    /// <summary>A column named after the key, else the key of a json/jsonb <c>properties</c> column; without either, the events carry no such property.</summary>
    public string? PropertyColumn(string key) => SqlFeaturePlan.PropertyAlias;

    public string EventsRelation(EntityKind entity, string? propertyKey)
    {
        var map = new StringBuilder();
        foreach (var (ev, p) in productOfEvent)
            map.Append($" WHEN {Dialect.Literal(ev)} THEN {Dialect.Literal(p)}");
        var product = map.Length == 0 ? "ev.product" : $"coalesce(ev.product, CASE ev.event{map} END)";
        // extract(epoch ...) is numeric since PostgreSQL 14: milliseconds stay exact.
        const string time = "CAST(extract(epoch FROM ev.\"timestamp\") * 1000 AS bigint)";
        var prop = Property(propertyKey);
        if (entity == EntityKind.User)
            return $"SELECT ev.user_id AS entity_id, ev.user_id, ev.event, {product} AS product, {time} AS t, {prop} AS prop FROM {eventsTable} ev WHERE ev.user_id IS NOT NULL";
        if (usersTable is null)
            return $"SELECT ev.account_id AS entity_id, ev.user_id, ev.event, {product} AS product, {time} AS t, {prop} AS prop FROM {eventsTable} ev";
        return $"""
            SELECT coalesce(ev.account_id, us.account_id) AS entity_id, ev.user_id, ev.event, {product} AS product, {time} AS t, {prop} AS prop
            FROM {eventsTable} ev LEFT JOIN {usersTable} us ON us.user_id = ev.user_id
            """;
    }

    private string Property(string? key)
    {
        if (key is null)
            return "CAST(NULL AS text)";
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var cmd = new NpgsqlCommand($"SELECT * FROM {eventsTable} LIMIT 0", _connection))
        using (var r = cmd.ExecuteReader())
        {
            for (var i = 0; i < r.FieldCount; i++)
                columns[r.GetName(i)] = r.GetDataTypeName(i);
        }
        if (columns.ContainsKey(key))
            return $"nullif(CAST(ev.\"{key.Replace("\"", "\"\"", StringComparison.Ordinal)}\" AS text), '')";
        if (columns.ContainsKey("properties"))
            return $"nullif(CAST(ev.properties AS jsonb) ->> {Dialect.Literal(key)}, '')";
        return "CAST(NULL AS text)";
    }

    public void LoadRows(IReadOnlyList<string> entityIds, ReadOnlySpan<long> cutoffs)
    {
        using (var cmd = new NpgsqlCommand($"DROP TABLE IF EXISTS {FeatureSqlBuilder.RowsTable}; CREATE TEMP TABLE {FeatureSqlBuilder.RowsTable} (entity_id text, cutoff_ms bigint)", _connection))
            cmd.ExecuteNonQuery();
        using (var copy = _connection.BeginBinaryImport($"COPY {FeatureSqlBuilder.RowsTable} (entity_id, cutoff_ms) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < cutoffs.Length; i++)
            {
                copy.StartRow();
                copy.Write(entityIds[i], NpgsqlTypes.NpgsqlDbType.Text);
                copy.Write(cutoffs[i], NpgsqlTypes.NpgsqlDbType.Bigint);
            }
            copy.Complete();
        }
        using var analyze = new NpgsqlCommand($"ANALYZE {FeatureSqlBuilder.RowsTable}", _connection);
        analyze.ExecuteNonQuery();
    }

    public IEnumerable<SqlResultRow> Read(string sql, int measures, bool keyed = false)
    {
        using var cmd = new NpgsqlCommand(sql, _connection) { CommandTimeout = 0 };
        using var r = cmd.ExecuteReader();
        var first = keyed ? 3 : 2;
        while (r.Read())
        {
            var values = new long[measures];
            for (var m = 0; m < measures; m++)
                values[m] = r.IsDBNull(m + first) ? FeatureFormulas.None : Convert.ToInt64(r.GetValue(m + first), System.Globalization.CultureInfo.InvariantCulture);
            var key = keyed && !r.IsDBNull(2) ? Convert.ToString(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) : null;
            yield return new(r.GetString(0), r.GetInt64(1), key, values);
        }
    }

    public void Dispose() => _connection.Dispose();

    private static NpgsqlConnection Open(string connectionString)
    {
        var c = new NpgsqlConnection(connectionString);
        c.Open();
        return c;
    }
}
