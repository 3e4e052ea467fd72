using Pql.Core.Scoring;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public async Task<FeedbackEntry> RecordFeedbackAsync(string goal, string entityId, FeedbackKind kind, string reason, long? coolDownUntilMs, Actor by,
        CancellationToken cancellationToken = default)
    {
        FeedbackRows.Check(entityId, reason);
        ArgumentNullException.ThrowIfNull(by);
        var now = NowMs;
        using var tx = BeginWrite();
        long id;
        using (var cmd = Command(tx, """
            INSERT INTO feedback (goal, entity_id, kind, reason, cool_down_until_ms, created_by, created_ms) VALUES ($g, $e, $k, $r, $c, $by, $t) RETURNING id
            """))
        {
            cmd.Parameters.AddWithValue("$g", goal);
            cmd.Parameters.AddWithValue("$e", entityId);
            cmd.Parameters.AddWithValue("$k", FeedbackKinds.Name(kind));
            cmd.Parameters.AddWithValue("$r", reason);
            cmd.Parameters.AddWithValue("$c", (object?)coolDownUntilMs ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$by", by.ToString());
            cmd.Parameters.AddWithValue("$t", now);
            id = (long)cmd.ExecuteScalar()!;
        }
        var entry = new FeedbackEntry(id, goal, entityId, kind, reason, coolDownUntilMs, by.ToString(), now);
        InsertAudit(tx, by, "feedback", FeedbackRows.Describe(entry));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public Task<IReadOnlyList<FeedbackEntry>> FeedbackAsync(string goal, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, "SELECT id, goal, entity_id, kind, reason, cool_down_until_ms, created_by, created_ms FROM feedback WHERE goal = $g ORDER BY id");
        cmd.Parameters.AddWithValue("$g", goal);
        using var r = cmd.ExecuteReader();
        var list = new List<FeedbackEntry>();
        while (r.Read())
        {
            list.Add(new FeedbackEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), FeedbackKinds.Parse(r.GetString(3)) ?? FeedbackKind.Disqualified,
                r.GetString(4), r.IsDBNull(5) ? null : r.GetInt64(5), r.GetString(6), r.GetInt64(7)));
        }
        return Task.FromResult<IReadOnlyList<FeedbackEntry>>(list);
    }
}
