using Npgsql;
using NpgsqlTypes;
using Pql.Core.Scoring;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public Task<RunRecording> RecordRunAsync(string goal, Func<IReadOnlyDictionary<string, EntityScore>, RunRecording> plan, Actor actor,
        CancellationToken cancellationToken = default) =>
        RecordAsync(goal, null, plan, actor, cancellationToken);

    public Task<RunRecording> RecordEntitiesRunAsync(string goal, IReadOnlyCollection<string> entities, Func<IReadOnlyDictionary<string, EntityScore>, RunRecording> plan,
        Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        return RecordAsync(goal, entities, plan, actor, cancellationToken);
    }

    private async Task<RunRecording> RecordAsync(string goal, IReadOnlyCollection<string>? entities, Func<IReadOnlyDictionary<string, EntityScore>, RunRecording> plan,
        Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The lock is held until commit or rollback: a second recorder of this goal in this workspace waits here, and (read committed)
        // its next statement sees this run, so it plans against it as the previous one. Other goals and workspaces do not wait.
        await using (var lockCmd = Command(c, tx, "SELECT pg_advisory_xact_lock(hashtext(@ws), hashtext(@goal))", ("ws", Schema), ("goal", goal)))
            await lockCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var previous = await LatestScoresAsync(c, tx, goal, entities, cancellationToken).ConfigureAwait(false);
        var recording = plan(previous);
        ArgumentNullException.ThrowIfNull(recording);
        if (!string.Equals(recording.Run.Goal, goal, StringComparison.Ordinal))
            throw new ArgumentException($"the plan recorded a run of goal '{recording.Run.Goal}' under the lock of goal '{goal}'", nameof(plan));
        await InsertRunAsync(c, tx, recording.Run, actor, cancellationToken).ConfigureAwait(false);
        await InsertFiringsAsync(c, tx, recording.Firings, cancellationToken).ConfigureAwait(false);
        await InsertActionsAsync(c, tx, recording.Actions, cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, actor, "score_run",
            $"run {recording.Run.RunId} goal {goal}: {recording.Run.Rows.Count} rows, {recording.Firings.Count} firings, {recording.Actions.Count} actions",
            cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return recording;
    }

    private static async Task InsertRunAsync(NpgsqlConnection c, NpgsqlTransaction tx, ScoreRun run, Actor actor, CancellationToken cancellationToken)
    {
        long seq;
        await using (var cmd = Command(c, tx, """
            INSERT INTO score_runs (run_id, goal, model_version, model_kind, as_of_ms, created_ms, row_count, created_by)
            VALUES (@id, @goal, @mv, @mk, @asof, @created, @n, @by) RETURNING seq
            """, ("id", run.RunId), ("goal", run.Goal), ("mv", run.ModelVersion), ("mk", run.ModelKind), ("asof", run.AsOfMs),
            ("created", run.CreatedMs), ("n", run.Rows.Count), ("by", actor.ToString())))
            seq = (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        // Binary COPY: a run of a large workspace writes hundreds of thousands of rows, one round trip instead of one per row.
        await using var copy = await c.BeginBinaryImportAsync(
            "COPY entity_scores (run_seq, entity_id, score, tier, drivers_json, attributes_json) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var row in run.Rows)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(row.EntityId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(row.Score, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(row.Tier, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(StateJson.Drivers(row.Drivers), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(StateJson.Attributes(row.Attributes), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunSummary>> RunsAsync(string goal, CancellationToken cancellationToken = default) =>
        await QueryAsync("""
            SELECT seq, run_id, goal, model_version, model_kind, as_of_ms, created_ms, row_count
            FROM score_runs WHERE goal = @goal ORDER BY seq
            """, r => new RunSummary(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetInt32(7)),
            cancellationToken, ("goal", goal)).ConfigureAwait(false);

    public async Task<ScoreRun?> LoadRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var heads = await QueryAsync("SELECT seq, goal, model_version, model_kind, as_of_ms, created_ms FROM score_runs WHERE run_id = @id",
            r => (Seq: r.GetInt64(0), Goal: r.GetString(1), Version: r.GetString(2), Kind: r.GetString(3), AsOf: r.GetInt64(4), Created: r.GetInt64(5)),
            cancellationToken, ("id", runId)).ConfigureAwait(false);
        if (heads.Count == 0)
            return null;
        var h = heads[0];
        var rows = await QueryAsync(
            "SELECT entity_id, score, tier, drivers_json, attributes_json FROM entity_scores WHERE run_seq = @seq ORDER BY entity_id COLLATE \"C\"",
            StateRows.Score, cancellationToken, ("seq", h.Seq)).ConfigureAwait(false);
        return new ScoreRun(runId, h.Goal, h.Version, h.Kind, h.AsOf, h.Created, rows);
    }

    public async Task<IReadOnlyDictionary<string, EntityScore>> LatestScoresAsync(string goal, CancellationToken cancellationToken = default)
    {
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        return await LatestScoresAsync(c, null, goal, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each entity's latest row for the goal; with <paramref name="entities"/>, of those only (through the entity index).</summary>
    private static async Task<Dictionary<string, EntityScore>> LatestScoresAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string goal,
        IReadOnlyCollection<string>? entities, CancellationToken cancellationToken)
    {
        await using var cmd = entities is null
            ? Command(c, tx, """
                SELECT DISTINCT ON (e.entity_id) e.entity_id, e.score, e.tier, e.drivers_json, e.attributes_json
                FROM entity_scores e JOIN score_runs r ON r.seq = e.run_seq
                WHERE r.goal = @goal
                ORDER BY e.entity_id, e.run_seq DESC
                """, ("goal", goal))
            : Command(c, tx, """
                SELECT DISTINCT ON (e.entity_id) e.entity_id, e.score, e.tier, e.drivers_json, e.attributes_json
                FROM entity_scores e JOIN score_runs r ON r.seq = e.run_seq
                WHERE r.goal = @goal AND e.entity_id = ANY(@ids)
                ORDER BY e.entity_id, e.run_seq DESC
                """, ("goal", goal), ("ids", entities.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var map = new Dictionary<string, EntityScore>(StringComparer.Ordinal);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = StateRows.Score(r);
            map[row.EntityId] = row;
        }
        return map;
    }
}
