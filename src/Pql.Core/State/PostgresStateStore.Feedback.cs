using Pql.Core.Scoring;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public async Task<FeedbackEntry> RecordFeedbackAsync(string goal, string entityId, FeedbackKind kind, string reason, long? coolDownUntilMs, Actor by,
        CancellationToken cancellationToken = default)
    {
        FeedbackRows.Check(entityId, reason);
        ArgumentNullException.ThrowIfNull(by);
        var now = NowMs;
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long id;
        await using (var cmd = Command(c, tx, """
            INSERT INTO feedback (goal, entity_id, kind, reason, cool_down_until_ms, created_by, created_ms) VALUES (@g, @e, @k, @r, @c, @by, @t) RETURNING id
            """, ("g", goal), ("e", entityId), ("k", FeedbackKinds.Name(kind)), ("r", reason), ("c", coolDownUntilMs), ("by", by.ToString()), ("t", now)))
        {
            cmd.Parameters["c"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint;
            id = (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        var entry = new FeedbackEntry(id, goal, entityId, kind, reason, coolDownUntilMs, by.ToString(), now);
        await InsertAuditAsync(c, tx, by, "feedback", FeedbackRows.Describe(entry), cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<IReadOnlyList<FeedbackEntry>> FeedbackAsync(string goal, CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT id, goal, entity_id, kind, reason, cool_down_until_ms, created_by, created_ms FROM feedback WHERE goal = @g ORDER BY id",
            r => new FeedbackEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), FeedbackKinds.Parse(r.GetString(3)) ?? FeedbackKind.Disqualified,
                r.GetString(4), r.IsDBNull(5) ? null : r.GetInt64(5), r.GetString(6), r.GetInt64(7)), cancellationToken, ("g", goal)).ConfigureAwait(false);
}
