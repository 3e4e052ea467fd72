using Npgsql;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public async Task RequestPromotionAsync(string goal, string version, string reason, Actor requestedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestedBy);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await RequireModelAsync(c, tx, goal, version, cancellationToken).ConfigureAwait(false);
        await using (var cmd = Command(c, tx, """
            INSERT INTO pending_promotions (goal, version, requested_by, reason, requested_ms) VALUES (@g, @v, @by, @r, @t)
            ON CONFLICT (goal, version) DO UPDATE SET requested_by = excluded.requested_by, reason = excluded.reason, requested_ms = excluded.requested_ms
            """, ("g", goal), ("v", version), ("by", requestedBy.ToString()), ("r", reason), ("t", NowMs)))
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, requestedBy, "promotion_pending", $"goal {goal} version {version}: {reason}", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PendingPromotion>> PendingPromotionsAsync(string goal, CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT goal, version, requested_by, reason, requested_ms FROM pending_promotions WHERE goal = @g ORDER BY requested_ms, version",
            r => new PendingPromotion(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)), cancellationToken, ("g", goal))
            .ConfigureAwait(false);

    public async Task ApprovePromotionAsync(string goal, string version, Actor approver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string requestedBy;
        await using (var find = Command(c, tx, "SELECT requested_by FROM pending_promotions WHERE goal = @g AND version = @v FOR UPDATE", ("g", goal), ("v", version)))
        {
            requestedBy = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                ?? throw new InvalidOperationException($"goal '{goal}' has no version '{version}' waiting for approval");
        }
        if (requestedBy == approver.ToString())
            throw new InvalidOperationException($"{approver} requested the promotion of goal '{goal}' version '{version}' and cannot approve it; another person must");
        await using (var delete = Command(c, tx, "DELETE FROM pending_promotions WHERE goal = @g AND version = @v", ("g", goal), ("v", version)))
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, approver, "promotion_approved", $"goal {goal} version {version} (requested by {requestedBy})", cancellationToken).ConfigureAwait(false);
        await SetCurrentAsync(c, tx, goal, version, approver, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RequireModelAsync(NpgsqlConnection c, NpgsqlTransaction tx, string goal, string version, CancellationToken cancellationToken)
    {
        await using var check = Command(c, tx, "SELECT count(*) FROM models WHERE goal = @g AND version = @v", ("g", goal), ("v", version));
        if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            throw new InvalidOperationException($"goal '{goal}' has no registered model version '{version}'");
    }
}
