using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    private const string OverrideColumns = """
        b.id, b.goal, e.entity_id, b.tier, b.reason, b.expires_ms, b.created_by, b.created_ms, b.status, b.approved_by, b.approval_reason
        FROM override_batches b JOIN override_entities e ON e.batch = b.id
        """;

    public async Task<long> SetOverridesAsync(OverrideChange change, string? approvalReason, Actor by, CancellationToken cancellationToken = default)
    {
        OverrideRows.Check(change, NowMs);
        ArgumentNullException.ThrowIfNull(by);
        using var tx = BeginWrite();
        long batch;
        using (var cmd = Command(tx, """
            INSERT INTO override_batches (goal, tier, reason, expires_ms, created_by, created_ms, status, approval_reason)
            VALUES ($g, $t, $r, $x, $by, $now, $s, $why) RETURNING id
            """))
        {
            cmd.Parameters.AddWithValue("$g", change.Goal);
            cmd.Parameters.AddWithValue("$t", (object?)change.Tier ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$r", change.Reason);
            cmd.Parameters.AddWithValue("$x", change.ExpiresMs);
            cmd.Parameters.AddWithValue("$by", by.ToString());
            cmd.Parameters.AddWithValue("$now", NowMs);
            cmd.Parameters.AddWithValue("$s", OverrideRows.StatusName(approvalReason is null ? OverrideStatus.Active : OverrideStatus.Pending));
            cmd.Parameters.AddWithValue("$why", (object?)approvalReason ?? DBNull.Value);
            batch = (long)cmd.ExecuteScalar()!;
        }
        using (var insert = Command(tx, "INSERT OR IGNORE INTO override_entities (batch, entity_id) VALUES ($b, $e)"))
        {
            var entity = insert.Parameters.Add("$e", SqliteType.Text);
            insert.Parameters.AddWithValue("$b", batch);
            foreach (var id in change.EntityIds)
            {
                entity.Value = id;
                insert.ExecuteNonQuery();
            }
        }
        InsertAudit(tx, by, approvalReason is null ? "override_set" : "override_pending", OverrideRows.Describe(batch, change, approvalReason));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return batch;
    }

    public Task<IReadOnlyDictionary<string, EntityOverride>> ActiveOverridesAsync(string goal, CancellationToken cancellationToken = default)
    {
        var rows = ReadOverrides($"SELECT {OverrideColumns} WHERE b.goal = $g AND b.status = 'active' AND b.expires_ms > $now ORDER BY b.id", goal);
        return Task.FromResult(OverrideRows.LatestPerEntity(rows));
    }

    public Task<IReadOnlyList<EntityOverride>> PendingOverridesAsync(string goal, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<EntityOverride>>(
            ReadOverrides($"SELECT {OverrideColumns} WHERE b.goal = $g AND b.status = 'pending' AND b.expires_ms > $now ORDER BY b.id, e.entity_id", goal));

    public async Task ApproveOverridesAsync(string goal, long batch, Actor approver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        using var tx = BeginWrite();
        string requestedBy;
        using (var find = Command(tx, "SELECT created_by, expires_ms FROM override_batches WHERE id = $b AND goal = $g AND status = 'pending'"))
        {
            find.Parameters.AddWithValue("$b", batch);
            find.Parameters.AddWithValue("$g", goal);
            using var r = find.ExecuteReader();
            if (!r.Read())
                throw new InvalidOperationException($"goal '{goal}' has no override batch {batch} waiting for approval");
            requestedBy = r.GetString(0);
            OverrideRows.CheckApproval(goal, batch, requestedBy, r.GetInt64(1), approver, NowMs);
        }
        using (var update = Command(tx, "UPDATE override_batches SET status = 'active', approved_by = $a WHERE id = $b"))
        {
            update.Parameters.AddWithValue("$a", approver.ToString());
            update.Parameters.AddWithValue("$b", batch);
            update.ExecuteNonQuery();
        }
        InsertAudit(tx, approver, "override_approved", $"goal {goal} override batch {batch} (requested by {requestedBy})");
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ClearOverridesAsync(string goal, string entityId, Actor by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        using var tx = BeginWrite();
        int cleared;
        // A batch is one decision: clearing one entity ends only that entity's part, so the entity row is removed from the batch.
        using (var cmd = Command(tx, """
            DELETE FROM override_entities WHERE entity_id = $e AND batch IN (
                SELECT id FROM override_batches WHERE goal = $g AND status IN ('active', 'pending') AND expires_ms > $now)
            """))
        {
            cmd.Parameters.AddWithValue("$e", entityId);
            cmd.Parameters.AddWithValue("$g", goal);
            cmd.Parameters.AddWithValue("$now", NowMs);
            cleared = cmd.ExecuteNonQuery();
        }
        if (cleared > 0)
            InsertAudit(tx, by, "override_cleared", $"goal {goal} entity {entityId}: {cleared} override(s) ended");
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return cleared;
    }

    private List<EntityOverride> ReadOverrides(string sql, string goal)
    {
        using var cmd = Command(null, sql);
        cmd.Parameters.AddWithValue("$g", goal);
        cmd.Parameters.AddWithValue("$now", NowMs);
        using var r = cmd.ExecuteReader();
        var list = new List<EntityOverride>();
        while (r.Read())
        {
            list.Add(new EntityOverride(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                r.GetInt64(5), r.GetString(6), r.GetInt64(7), OverrideRows.ParseStatus(r.GetString(8)),
                r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)));
        }
        return list;
    }
}
