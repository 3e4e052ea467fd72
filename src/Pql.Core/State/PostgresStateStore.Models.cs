using Npgsql;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    private const string ModelColumns = "goal, version, kind, artifact_path, metrics_json, created_ms";

    public async Task RegisterModelAsync(ModelRecord model, Actor actor, bool makeCurrent = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = Command(c, tx, $"INSERT INTO models ({ModelColumns}, registered_by) VALUES (@g, @v, @k, @p, @m, @c, @by)",
            ("g", model.Goal), ("v", model.Version), ("k", model.Kind), ("p", model.ArtifactPath), ("m", model.MetricsJson), ("c", model.CreatedMs),
            ("by", actor.ToString())))
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, actor, "model_registered", $"goal {model.Goal} version {model.Version} ({model.Kind})", cancellationToken).ConfigureAwait(false);
        if (makeCurrent)
            await SetCurrentAsync(c, tx, model.Goal, model.Version, actor, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ModelRecord>> ModelsAsync(string goal, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {ModelColumns} FROM models WHERE goal = @g ORDER BY created_ms, version", ReadModel, cancellationToken, ("g", goal))
            .ConfigureAwait(false);

    public async Task<ModelRecord?> CurrentModelAsync(string goal, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("""
            SELECT m.goal, m.version, m.kind, m.artifact_path, m.metrics_json, m.created_ms
            FROM current_models c JOIN models m ON m.goal = c.goal AND m.version = c.version WHERE c.goal = @g
            """, ReadModel, cancellationToken, ("g", goal)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task SetCurrentModelAsync(string goal, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = Command(c, tx, "SELECT count(*) FROM models WHERE goal = @g AND version = @v", ("g", goal), ("v", version)))
        {
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
                throw new InvalidOperationException($"goal '{goal}' has no registered model version '{version}'");
        }
        await SetCurrentAsync(c, tx, goal, version, actor, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SetCurrentAsync(NpgsqlConnection c, NpgsqlTransaction tx, string goal, string version, Actor actor, CancellationToken cancellationToken)
    {
        await using (var cmd = Command(c, tx, """
            INSERT INTO current_models (goal, version, set_by, set_ms) VALUES (@g, @v, @by, @t)
            ON CONFLICT (goal) DO UPDATE SET version = excluded.version, set_by = excluded.set_by, set_ms = excluded.set_ms
            """, ("g", goal), ("v", version), ("by", actor.ToString()), ("t", NowMs)))
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, actor, "model_current", $"goal {goal} version {version}", cancellationToken).ConfigureAwait(false);
    }

    private static ModelRecord ReadModel(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5));
}
