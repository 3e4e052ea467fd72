namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    private const string OverrideColumns = """
        b.id, b.goal, e.entity_id, b.tier, b.reason, b.expires_ms, b.created_by, b.created_ms, b.status, b.approved_by, b.approval_reason
        FROM override_batches b JOIN override_entities e ON e.batch = b.id
        """;

    public async Task<long> SetOverridesAsync(OverrideChange change, string? approvalReason, Actor by, CancellationToken cancellationToken = default)
    {
        OverrideRows.Check(change, NowMs);
        ArgumentNullException.ThrowIfNull(by);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long batch;
        await using (var cmd = Command(c, tx, """
            INSERT INTO override_batches (goal, tier, reason, expires_ms, created_by, created_ms, status, approval_reason)
            VALUES (@g, @t, @r, @x, @by, @now, @s, @why) RETURNING id
            """, ("g", change.Goal), ("t", change.Tier), ("r", change.Reason), ("x", change.ExpiresMs), ("by", by.ToString()), ("now", NowMs),
            ("s", OverrideRows.StatusName(approvalReason is null ? OverrideStatus.Active : OverrideStatus.Pending)), ("why", approvalReason)))
        {
            cmd.Parameters["t"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
            cmd.Parameters["why"].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
            batch = (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        await using (var insert = Command(c, tx, "INSERT INTO override_entities (batch, entity_id) SELECT @b, unnest(@ids) ON CONFLICT DO NOTHING",
            ("b", batch), ("ids", change.EntityIds.ToArray())))
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, by, approvalReason is null ? "override_set" : "override_pending", OverrideRows.Describe(batch, change, approvalReason),
            cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return batch;
    }

    public async Task<IReadOnlyDictionary<string, EntityOverride>> ActiveOverridesAsync(string goal, CancellationToken cancellationToken = default) =>
        OverrideRows.LatestPerEntity(await ReadOverridesAsync(
            $"SELECT {OverrideColumns} WHERE b.goal = @g AND b.status = 'active' AND b.expires_ms > @now ORDER BY b.id", goal, cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyList<EntityOverride>> PendingOverridesAsync(string goal, CancellationToken cancellationToken = default) =>
        await ReadOverridesAsync($"SELECT {OverrideColumns} WHERE b.goal = @g AND b.status = 'pending' AND b.expires_ms > @now ORDER BY b.id, e.entity_id",
            goal, cancellationToken).ConfigureAwait(false);

    public async Task ApproveOverridesAsync(string goal, long batch, Actor approver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string requestedBy;
        await using (var find = Command(c, tx, "SELECT created_by, expires_ms FROM override_batches WHERE id = @b AND goal = @g AND status = 'pending' FOR UPDATE",
            ("b", batch), ("g", goal)))
        await using (var r = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw new InvalidOperationException($"goal '{goal}' has no override batch {batch} waiting for approval");
            requestedBy = r.GetString(0);
            OverrideRows.CheckApproval(goal, batch, requestedBy, r.GetInt64(1), approver, NowMs);
        }
        await using (var update = Command(c, tx, "UPDATE override_batches SET status = 'active', approved_by = @a WHERE id = @b", ("a", approver.ToString()), ("b", batch)))
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, approver, "override_approved", $"goal {goal} override batch {batch} (requested by {requestedBy})", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ClearOverridesAsync(string goal, string entityId, Actor by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int cleared;
        await using (var cmd = Command(c, tx, """
            DELETE FROM override_entities WHERE entity_id = @e AND batch IN (
                SELECT id FROM override_batches WHERE goal = @g AND status IN ('active', 'pending') AND expires_ms > @now)
            """, ("e", entityId), ("g", goal), ("now", NowMs)))
            cleared = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (cleared > 0)
            await InsertAuditAsync(c, tx, by, "override_cleared", $"goal {goal} entity {entityId}: {cleared} override(s) ended", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return cleared;
    }

    private Task<List<EntityOverride>> ReadOverridesAsync(string sql, string goal, CancellationToken cancellationToken) =>
        QueryAsync(sql, r => new EntityOverride(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
            r.GetInt64(5), r.GetString(6), r.GetInt64(7), OverrideRows.ParseStatus(r.GetString(8)),
            r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)), cancellationToken, ("g", goal), ("now", NowMs));
}
