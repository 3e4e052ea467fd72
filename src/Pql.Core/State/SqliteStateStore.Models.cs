namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public async Task RegisterModelAsync(ModelRecord model, Actor actor, bool makeCurrent = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(actor);
        using var tx = BeginWrite();
        using (var cmd = Command(tx, """
            INSERT INTO models (goal, version, kind, artifact_path, metrics_json, created_ms, registered_by)
            VALUES ($g, $v, $k, $p, $m, $c, $by)
            """))
        {
            cmd.Parameters.AddWithValue("$g", model.Goal);
            cmd.Parameters.AddWithValue("$v", model.Version);
            cmd.Parameters.AddWithValue("$k", model.Kind);
            cmd.Parameters.AddWithValue("$p", model.ArtifactPath);
            cmd.Parameters.AddWithValue("$m", model.MetricsJson);
            cmd.Parameters.AddWithValue("$c", model.CreatedMs);
            cmd.Parameters.AddWithValue("$by", actor.ToString());
            cmd.ExecuteNonQuery();
        }
        InsertAudit(tx, actor, "model_registered", $"goal {model.Goal} version {model.Version} ({model.Kind})");
        if (makeCurrent)
            SetCurrent(tx, model.Goal, model.Version, actor);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<ModelRecord>> ModelsAsync(string goal, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, "SELECT goal, version, kind, artifact_path, metrics_json, created_ms FROM models WHERE goal = $g ORDER BY created_ms, version");
        cmd.Parameters.AddWithValue("$g", goal);
        using var r = cmd.ExecuteReader();
        var list = new List<ModelRecord>();
        while (r.Read())
            list.Add(new ModelRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)));
        return Task.FromResult<IReadOnlyList<ModelRecord>>(list);
    }

    public Task<ModelRecord?> CurrentModelAsync(string goal, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, """
            SELECT m.goal, m.version, m.kind, m.artifact_path, m.metrics_json, m.created_ms
            FROM current_models c JOIN models m ON m.goal = c.goal AND m.version = c.version WHERE c.goal = $g
            """);
        cmd.Parameters.AddWithValue("$g", goal);
        using var r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? new ModelRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)) : null);
    }

    public async Task SetCurrentModelAsync(string goal, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        using var tx = BeginWrite();
        RequireModel(tx, goal, version);
        SetCurrent(tx, goal, version, actor);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void SetCurrent(Microsoft.Data.Sqlite.SqliteTransaction tx, string goal, string version, Actor actor)
    {
        using var cmd = Command(tx, """
            INSERT INTO current_models (goal, version, set_by, set_ms) VALUES ($g, $v, $by, $t)
            ON CONFLICT (goal) DO UPDATE SET version = excluded.version, set_by = excluded.set_by, set_ms = excluded.set_ms
            """);
        cmd.Parameters.AddWithValue("$g", goal);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.Parameters.AddWithValue("$by", actor.ToString());
        cmd.Parameters.AddWithValue("$t", NowMs);
        cmd.ExecuteNonQuery();
        InsertAudit(tx, actor, "model_current", $"goal {goal} version {version}");
    }
}
