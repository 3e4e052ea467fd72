using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

/// <summary>
/// The embedded state store: one SQLite file (<c>&lt;workspace&gt;/.pql/state.db</c>) in WAL mode, schema versioned by
/// <see cref="SqliteMigrations"/>. One instance holds one connection and is not thread-safe; several processes may open
/// the same file (SQLite serialises writers, <c>busy_timeout</c> waits).
/// </summary>
public sealed partial class SqliteStateStore : IStateStore
{
    private readonly SqliteConnection _connection;

    public SqliteStateStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(dir))
            Directory.CreateDirectory(dir);
        Path = databasePath;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");   // WAL + NORMAL survives a killed process; only an OS crash may lose the last commits
        Execute("PRAGMA busy_timeout = 10000");
        Execute("PRAGMA foreign_keys = ON");
        SqliteMigrations.Apply(_connection);
    }

    /// <summary>The state file of a workspace: <c>&lt;stateDirectory&gt;/state.db</c>.</summary>
    public static SqliteStateStore OpenWorkspace(string stateDirectory) => new(System.IO.Path.Combine(stateDirectory, "state.db"));

    public string Path { get; }

    public int SchemaVersion => Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);

    public void Dispose() => _connection.Dispose();

    public void SaveScoreRun(ScoreRun run, IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(firings);
        ArgumentNullException.ThrowIfNull(actions);
        using var tx = _connection.BeginTransaction();
        long seq;
        using (var cmd = Command(tx, """
            INSERT INTO score_runs (run_id, goal, model_version, model_kind, as_of_ms, created_ms, row_count)
            VALUES ($id, $goal, $mv, $mk, $asof, $created, $n) RETURNING seq
            """))
        {
            cmd.Parameters.AddWithValue("$id", run.RunId);
            cmd.Parameters.AddWithValue("$goal", run.Goal);
            cmd.Parameters.AddWithValue("$mv", run.ModelVersion);
            cmd.Parameters.AddWithValue("$mk", run.ModelKind);
            cmd.Parameters.AddWithValue("$asof", run.AsOfMs);
            cmd.Parameters.AddWithValue("$created", run.CreatedMs);
            cmd.Parameters.AddWithValue("$n", run.Rows.Count);
            seq = (long)cmd.ExecuteScalar()!;
        }
        using (var cmd = Command(tx, """
            INSERT INTO entity_scores (run_seq, entity_id, score, tier, drivers_json, attributes_json)
            VALUES ($seq, $e, $s, $t, $d, $a)
            """))
        {
            var e = cmd.Parameters.Add("$e", SqliteType.Text);
            var s = cmd.Parameters.Add("$s", SqliteType.Real);
            var t = cmd.Parameters.Add("$t", SqliteType.Text);
            var d = cmd.Parameters.Add("$d", SqliteType.Text);
            var a = cmd.Parameters.Add("$a", SqliteType.Text);
            cmd.Parameters.AddWithValue("$seq", seq);
            cmd.Prepare();
            foreach (var row in run.Rows)
            {
                e.Value = row.EntityId;
                s.Value = row.Score;
                t.Value = row.Tier;
                d.Value = StateJson.Drivers(row.Drivers);
                a.Value = StateJson.Attributes(row.Attributes);
                cmd.ExecuteNonQuery();
            }
        }
        InsertFirings(tx, firings);
        InsertActions(tx, actions);
        tx.Commit();
    }

    public IReadOnlyList<RunSummary> Runs(string goal)
    {
        using var cmd = Command(null, """
            SELECT seq, run_id, goal, model_version, model_kind, as_of_ms, created_ms, row_count
            FROM score_runs WHERE goal = $goal ORDER BY seq
            """);
        cmd.Parameters.AddWithValue("$goal", goal);
        using var r = cmd.ExecuteReader();
        var list = new List<RunSummary>();
        while (r.Read())
            list.Add(new RunSummary(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetInt32(7)));
        return list;
    }

    public ScoreRun? LoadRun(string runId)
    {
        using var head = Command(null, "SELECT seq, goal, model_version, model_kind, as_of_ms, created_ms FROM score_runs WHERE run_id = $id");
        head.Parameters.AddWithValue("$id", runId);
        using var h = head.ExecuteReader();
        if (!h.Read())
            return null;
        var seq = h.GetInt64(0);
        var rows = new List<EntityScore>();
        using (var cmd = Command(null, "SELECT entity_id, score, tier, drivers_json, attributes_json FROM entity_scores WHERE run_seq = $seq ORDER BY entity_id"))
        {
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                rows.Add(ReadScore(r));
        }
        return new ScoreRun(runId, h.GetString(1), h.GetString(2), h.GetString(3), h.GetInt64(4), h.GetInt64(5), rows);
    }

    public IReadOnlyDictionary<string, EntityScore> LatestScores(string goal)
    {
        using var cmd = Command(null, """
            SELECT entity_id, score, tier, drivers_json, attributes_json FROM (
                SELECT e.entity_id, e.score, e.tier, e.drivers_json, e.attributes_json,
                       ROW_NUMBER() OVER (PARTITION BY e.entity_id ORDER BY e.run_seq DESC) AS rn
                FROM entity_scores e JOIN score_runs r ON r.seq = e.run_seq
                WHERE r.goal = $goal)
            WHERE rn = 1
            """);
        cmd.Parameters.AddWithValue("$goal", goal);
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<string, EntityScore>(StringComparer.Ordinal);
        while (r.Read())
        {
            var row = ReadScore(r);
            map[row.EntityId] = row;
        }
        return map;
    }

    private static EntityScore ReadScore(SqliteDataReader r) =>
        new(r.GetString(0), r.GetDouble(1), r.GetString(2), StateJson.ParseDrivers(r.GetString(3)), StateJson.ParseAttributes(r.GetString(4)));

    public void RegisterModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var cmd = Command(null, """
            INSERT INTO models (goal, version, kind, artifact_path, metrics_json, created_ms)
            VALUES ($g, $v, $k, $p, $m, $c)
            """);
        cmd.Parameters.AddWithValue("$g", model.Goal);
        cmd.Parameters.AddWithValue("$v", model.Version);
        cmd.Parameters.AddWithValue("$k", model.Kind);
        cmd.Parameters.AddWithValue("$p", model.ArtifactPath);
        cmd.Parameters.AddWithValue("$m", model.MetricsJson);
        cmd.Parameters.AddWithValue("$c", model.CreatedMs);
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<ModelRecord> Models(string goal)
    {
        using var cmd = Command(null, "SELECT goal, version, kind, artifact_path, metrics_json, created_ms FROM models WHERE goal = $g ORDER BY created_ms, version");
        cmd.Parameters.AddWithValue("$g", goal);
        using var r = cmd.ExecuteReader();
        var list = new List<ModelRecord>();
        while (r.Read())
            list.Add(new ModelRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)));
        return list;
    }

    public void AppendAudit(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var cmd = Command(null, "INSERT INTO audit (at_ms, actor, action, detail) VALUES ($t, $a, $x, $d)");
        cmd.Parameters.AddWithValue("$t", entry.AtMs);
        cmd.Parameters.AddWithValue("$a", entry.Actor);
        cmd.Parameters.AddWithValue("$x", entry.Action);
        cmd.Parameters.AddWithValue("$d", entry.Detail);
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<AuditEntry> Audit(int limit = 100)
    {
        using var cmd = Command(null, "SELECT at_ms, actor, action, detail FROM audit ORDER BY id DESC LIMIT $n");
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<AuditEntry>();
        while (r.Read())
            list.Add(new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return list;
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(null, sql);
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var cmd = Command(null, sql);
        return cmd.ExecuteScalar();
    }
}
