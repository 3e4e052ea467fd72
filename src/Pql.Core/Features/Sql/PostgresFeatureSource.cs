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

    public string EventsRelation(EntityKind entity)
    {
        var map = new StringBuilder();
        foreach (var (ev, p) in productOfEvent)
            map.Append($" WHEN {Dialect.Literal(ev)} THEN {Dialect.Literal(p)}");
        var product = map.Length == 0 ? "ev.product" : $"coalesce(ev.product, CASE ev.event{map} END)";
        // extract(epoch ...) is numeric since PostgreSQL 14: milliseconds stay exact.
        const string time = "CAST(extract(epoch FROM ev.\"timestamp\") * 1000 AS bigint)";
        if (entity == EntityKind.User)
            return $"SELECT ev.user_id AS entity_id, ev.user_id, ev.event, {product} AS product, {time} AS t FROM {eventsTable} ev WHERE ev.user_id IS NOT NULL";
        if (usersTable is null)
            return $"SELECT ev.account_id AS entity_id, ev.user_id, ev.event, {product} AS product, {time} AS t FROM {eventsTable} ev";
        return $"""
            SELECT coalesce(ev.account_id, us.account_id) AS entity_id, ev.user_id, ev.event, {product} AS product, {time} AS t
            FROM {eventsTable} ev LEFT JOIN {usersTable} us ON us.user_id = ev.user_id
            """;
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

    public IEnumerable<(string Entity, long Cutoff, long[] Values)> Read(string sql, int measures)
    {
        using var cmd = new NpgsqlCommand(sql, _connection) { CommandTimeout = 0 };
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var values = new long[measures];
            for (var m = 0; m < measures; m++)
                values[m] = r.IsDBNull(m + 2) ? FeatureFormulas.None : r.GetInt64(m + 2);
            yield return (r.GetString(0), r.GetInt64(1), values);
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
