namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public async Task RequestPromotionAsync(string goal, string version, string reason, Actor requestedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestedBy);
        using var tx = BeginWrite();
        RequireModel(tx, goal, version);
        using (var cmd = Command(tx, """
            INSERT INTO pending_promotions (goal, version, requested_by, reason, requested_ms) VALUES ($g, $v, $by, $r, $t)
            ON CONFLICT (goal, version) DO UPDATE SET requested_by = excluded.requested_by, reason = excluded.reason, requested_ms = excluded.requested_ms
            """))
        {
            cmd.Parameters.AddWithValue("$g", goal);
            cmd.Parameters.AddWithValue("$v", version);
            cmd.Parameters.AddWithValue("$by", requestedBy.ToString());
            cmd.Parameters.AddWithValue("$r", reason);
            cmd.Parameters.AddWithValue("$t", NowMs);
            cmd.ExecuteNonQuery();
        }
        InsertAudit(tx, requestedBy, "promotion_pending", $"goal {goal} version {version}: {reason}");
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<PendingPromotion>> PendingPromotionsAsync(string goal, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, "SELECT goal, version, requested_by, reason, requested_ms FROM pending_promotions WHERE goal = $g ORDER BY requested_ms, version");
        cmd.Parameters.AddWithValue("$g", goal);
        using var r = cmd.ExecuteReader();
        var list = new List<PendingPromotion>();
        while (r.Read())
            list.Add(new PendingPromotion(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        return Task.FromResult<IReadOnlyList<PendingPromotion>>(list);
    }

    public async Task ApprovePromotionAsync(string goal, string version, Actor approver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        using var tx = BeginWrite();
        string requestedBy;
        using (var find = Command(tx, "SELECT requested_by FROM pending_promotions WHERE goal = $g AND version = $v"))
        {
            find.Parameters.AddWithValue("$g", goal);
            find.Parameters.AddWithValue("$v", version);
            requestedBy = find.ExecuteScalar() as string
                ?? throw new InvalidOperationException($"goal '{goal}' has no version '{version}' waiting for approval");
        }
        if (requestedBy == approver.ToString())
            throw new InvalidOperationException($"{approver} requested the promotion of goal '{goal}' version '{version}' and cannot approve it; another person must");
        using (var delete = Command(tx, "DELETE FROM pending_promotions WHERE goal = $g AND version = $v"))
        {
            delete.Parameters.AddWithValue("$g", goal);
            delete.Parameters.AddWithValue("$v", version);
            delete.ExecuteNonQuery();
        }
        InsertAudit(tx, approver, "promotion_approved", $"goal {goal} version {version} (requested by {requestedBy})");
        SetCurrent(tx, goal, version, approver);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void RequireModel(Microsoft.Data.Sqlite.SqliteTransaction tx, string goal, string version)
    {
        using var check = Command(tx, "SELECT COUNT(*) FROM models WHERE goal = $g AND version = $v");
        check.Parameters.AddWithValue("$g", goal);
        check.Parameters.AddWithValue("$v", version);
        if ((long)check.ExecuteScalar()! == 0)
            throw new InvalidOperationException($"goal '{goal}' has no registered model version '{version}'");
    }
}
