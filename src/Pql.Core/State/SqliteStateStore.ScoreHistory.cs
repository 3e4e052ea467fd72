using Microsoft.Data.Sqlite;
using Pql.Core.Scoring;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
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
        // BEGIN IMMEDIATE takes the database's write lock before the previous scores are read: a second recorder of any goal waits
        // here until this one commits, then sees this run as the previous one. SQLite has one writer per file, so the lock is wider
        // than per goal; PostgreSQL takes pg_advisory_xact_lock(workspace, goal) at the same point.
        using var tx = BeginWrite();
        var previous = entities is null ? LatestScores(tx, goal) : LatestScoresOf(tx, goal, entities);
        var recording = plan(previous);
        ArgumentNullException.ThrowIfNull(recording);
        if (!string.Equals(recording.Run.Goal, goal, StringComparison.Ordinal))
            throw new ArgumentException($"the plan recorded a run of goal '{recording.Run.Goal}' under the lock of goal '{goal}'", nameof(plan));
        InsertRun(tx, recording.Run, actor);
        InsertFirings(tx, recording.Firings);
        InsertActions(tx, recording.Actions);
        InsertAudit(tx, actor, "score_run",
            $"run {recording.Run.RunId} goal {goal}: {recording.Run.Rows.Count} rows, {recording.Firings.Count} firings, {recording.Actions.Count} actions");
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return recording;
    }

    private void InsertRun(SqliteTransaction tx, ScoreRun run, Actor actor)
    {
        long seq;
        using (var cmd = Command(tx, """
            INSERT INTO score_runs (run_id, goal, model_version, model_kind, as_of_ms, created_ms, row_count, created_by)
            VALUES ($id, $goal, $mv, $mk, $asof, $created, $n, $by) RETURNING seq
            """))
        {
            cmd.Parameters.AddWithValue("$id", run.RunId);
            cmd.Parameters.AddWithValue("$goal", run.Goal);
            cmd.Parameters.AddWithValue("$mv", run.ModelVersion);
            cmd.Parameters.AddWithValue("$mk", run.ModelKind);
            cmd.Parameters.AddWithValue("$asof", run.AsOfMs);
            cmd.Parameters.AddWithValue("$created", run.CreatedMs);
            cmd.Parameters.AddWithValue("$n", run.Rows.Count);
            cmd.Parameters.AddWithValue("$by", actor.ToString());
            seq = (long)cmd.ExecuteScalar()!;
        }
        using var rows = Command(tx, """
            INSERT INTO entity_scores (run_seq, entity_id, score, tier, drivers_json, attributes_json)
            VALUES ($seq, $e, $s, $t, $d, $a)
            """);
        var e = rows.Parameters.Add("$e", SqliteType.Text);
        var s = rows.Parameters.Add("$s", SqliteType.Real);
        var t = rows.Parameters.Add("$t", SqliteType.Text);
        var d = rows.Parameters.Add("$d", SqliteType.Text);
        var a = rows.Parameters.Add("$a", SqliteType.Text);
        rows.Parameters.AddWithValue("$seq", seq);
        rows.Prepare();
        foreach (var row in run.Rows)
        {
            e.Value = row.EntityId;
            s.Value = row.Score;
            t.Value = row.Tier;
            d.Value = StateJson.Drivers(row.Drivers);
            a.Value = StateJson.Attributes(row.Attributes);
            rows.ExecuteNonQuery();
        }
    }

    public Task<IReadOnlyList<RunSummary>> RunsAsync(string goal, CancellationToken cancellationToken = default)
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
        return Task.FromResult<IReadOnlyList<RunSummary>>(list);
    }

    public Task<ScoreRun?> LoadRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        using var head = Command(null, "SELECT seq, goal, model_version, model_kind, as_of_ms, created_ms FROM score_runs WHERE run_id = $id");
        head.Parameters.AddWithValue("$id", runId);
        using var h = head.ExecuteReader();
        if (!h.Read())
            return Task.FromResult<ScoreRun?>(null);
        var seq = h.GetInt64(0);
        var rows = new List<EntityScore>();
        using (var cmd = Command(null, "SELECT entity_id, score, tier, drivers_json, attributes_json FROM entity_scores WHERE run_seq = $seq ORDER BY entity_id"))
        {
            cmd.Parameters.AddWithValue("$seq", seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                rows.Add(StateRows.Score(r));
        }
        return Task.FromResult<ScoreRun?>(new ScoreRun(runId, h.GetString(1), h.GetString(2), h.GetString(3), h.GetInt64(4), h.GetInt64(5), rows));
    }

    public Task<IReadOnlyDictionary<string, EntityScore>> LatestScoresAsync(string goal, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, EntityScore>>(LatestScores(null, goal));

    /// <summary>The latest row of each of <paramref name="entities"/> for the goal: one indexed lookup each (entity_id, run_seq).</summary>
    private Dictionary<string, EntityScore> LatestScoresOf(SqliteTransaction tx, string goal, IReadOnlyCollection<string> entities)
    {
        using var cmd = Command(tx, """
            SELECT e.entity_id, e.score, e.tier, e.drivers_json, e.attributes_json
            FROM entity_scores e JOIN score_runs r ON r.seq = e.run_seq
            WHERE e.entity_id = $e AND r.goal = $goal
            ORDER BY e.run_seq DESC LIMIT 1
            """);
        var id = cmd.Parameters.Add("$e", SqliteType.Text);
        cmd.Parameters.AddWithValue("$goal", goal);
        cmd.Prepare();
        var map = new Dictionary<string, EntityScore>(entities.Count, StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            id.Value = entity;
            using var r = cmd.ExecuteReader();
            if (r.Read())
                map[entity] = StateRows.Score(r);
        }
        return map;
    }

    private Dictionary<string, EntityScore> LatestScores(SqliteTransaction? tx, string goal)
    {
        using var cmd = Command(tx, """
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
            var row = StateRows.Score(r);
            map[row.EntityId] = row;
        }
        return map;
    }
}
