using Microsoft.Data.Sqlite;
using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>
/// <see cref="IEntityHistory"/> over the workspace's state file. Thread-safe: each call opens its own read connection (WAL lets it
/// read while a run is being written).
/// </summary>
public sealed class SqliteEntityHistory(string databasePath) : IEntityHistory
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = 30 }.ToString();

    public static SqliteEntityHistory OpenWorkspace(string stateDirectory) => new(Path.Combine(stateDirectory, "state.db"));

    public Task<IReadOnlyList<EntityScorePoint>> EntityScoresAsync(string goal, string entityId, int limit = 200, CancellationToken cancellationToken = default)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT r.run_id, r.as_of_ms, r.created_ms, r.model_version, e.score, e.tier, e.drivers_json, e.attributes_json
            FROM entity_scores e JOIN score_runs r ON r.seq = e.run_seq
            WHERE e.entity_id = $e AND r.goal = $g ORDER BY e.run_seq DESC LIMIT $n
            """;
        cmd.Parameters.AddWithValue("$e", entityId);
        cmd.Parameters.AddWithValue("$g", goal);
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<EntityScorePoint>();
        while (r.Read())
        {
            var row = new EntityScore(entityId, r.GetDouble(4), r.GetString(5), StateJson.ParseDrivers(r.GetString(6)), StateJson.ParseAttributes(r.GetString(7)));
            list.Add(new EntityScorePoint(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), row));
        }
        list.Reverse();
        return Task.FromResult<IReadOnlyList<EntityScorePoint>>(list);
    }

    public Task<IReadOnlyList<TriggerFiring>> EntityFiringsAsync(string goal, string entityId, int limit = 100, CancellationToken cancellationToken = default) =>
        Firings("WHERE goal = $g AND entity_id = $e", limit, goal, entityId);

    public Task<IReadOnlyList<TriggerFiring>> RecentFiringsAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        Firings("", limit, null, null);

    public Task<IReadOnlyList<OutboxAction>> EntityActionsAsync(string goal, string entityId, int limit = 100, CancellationToken cancellationToken = default)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT action_id, run_id, goal, entity_id, trigger_name, playbook, connector, action, payload_json, created_ms,
                   status, attempts, next_attempt_ms, last_error, delivered_ms
            FROM outbox WHERE goal = $g AND entity_id = $e ORDER BY seq DESC LIMIT $n
            """;
        cmd.Parameters.AddWithValue("$g", goal);
        cmd.Parameters.AddWithValue("$e", entityId);
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<OutboxAction>();
        while (r.Read())
        {
            list.Add(new OutboxAction(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9))
            {
                Status = Enum.TryParse<OutboxStatus>(r.GetString(10), ignoreCase: true, out var s) ? s : OutboxStatus.Pending,
                Attempts = r.GetInt32(11),
                NextAttemptMs = r.GetInt64(12),
                LastError = r.IsDBNull(13) ? null : r.GetString(13),
                DeliveredMs = r.IsDBNull(14) ? null : r.GetInt64(14),
            });
        }
        return Task.FromResult<IReadOnlyList<OutboxAction>>(list);
    }

    /// <summary>(entity, run created) of every row written by runs created at or after <paramref name="sinceMs"/>, oldest first (benchmarks).</summary>
    public IReadOnlyList<(string Entity, long CreatedMs)> RowsScoredSince(long sinceMs) =>
        Pairs("SELECT e.entity_id, r.created_ms FROM entity_scores e JOIN score_runs r ON r.seq = e.run_seq WHERE r.created_ms >= $t ORDER BY r.created_ms", sinceMs);

    /// <summary>(entity, created) of every outbox row created at or after <paramref name="sinceMs"/>, oldest first (benchmarks).</summary>
    public IReadOnlyList<(string Entity, long CreatedMs)> ActionsQueuedSince(long sinceMs) =>
        Pairs("SELECT entity_id, created_ms FROM outbox WHERE created_ms >= $t ORDER BY created_ms", sinceMs);

    private List<(string, long)> Pairs(string sql, long sinceMs)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$t", sinceMs);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, long)>();
        while (r.Read())
            list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    }

    private Task<IReadOnlyList<TriggerFiring>> Firings(string where, int limit, string? goal, string? entity)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT run_id, goal, entity_id, trigger_name, playbook, reason, data_json, created_ms FROM trigger_log {where} ORDER BY id DESC LIMIT $n";
        if (goal is not null)
            cmd.Parameters.AddWithValue("$g", goal);
        if (entity is not null)
            cmd.Parameters.AddWithValue("$e", entity);
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<TriggerFiring>();
        while (r.Read())
            list.Add(new TriggerFiring(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7)));
        return Task.FromResult<IReadOnlyList<TriggerFiring>>(list);
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }
}
