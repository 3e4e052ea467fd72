using Npgsql;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    private const string ActionColumns =
        "action_id, run_id, goal, entity_id, trigger_name, playbook, connector, action, payload_json, created_ms, status, attempts, next_attempt_ms, " +
        "last_error, delivered_ms, first_attempt_ms, lease_owner, lease_until_ms";

    /// <summary>Pending, due, not leased (or the lease expired) and not held back by a paused connector.</summary>
    private const string Claimable =
        "status = 'pending' AND next_attempt_ms <= @now AND (lease_until_ms IS NULL OR lease_until_ms <= @now) " +
        "AND connector NOT IN (SELECT connector FROM paused_connectors)";

    /// <summary>Completion writes match only the lease holder's pending row; the lease is released by the write.</summary>
    private const string HeldBy = "action_id = @id AND lease_owner = @owner AND status = 'pending' AND lease_until_ms IS NOT NULL";

    private static async Task InsertActionsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<OutboxAction> actions, CancellationToken cancellationToken)
    {
        foreach (var a in actions)
        {
            await using var cmd = Command(c, tx, $"""
                INSERT INTO outbox ({ActionColumns})
                VALUES (@id, @r, @g, @e, @t, @p, @c, @a, @j, @created, @s, @n, @next, @err, @dl, @first, NULL, NULL)
                """, ("id", a.ActionId), ("r", a.RunId), ("g", a.Goal), ("e", a.EntityId), ("t", a.Trigger), ("p", a.Playbook), ("c", a.Connector),
                ("a", a.Action), ("j", a.PayloadJson), ("created", a.CreatedMs), ("s", OutboxStatusText.Of(a.Status)), ("n", a.Attempts),
                ("next", a.NextAttemptMs), ("err", a.LastError), ("dl", a.DeliveredMs), ("first", a.FirstAttemptMs));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<OutboxAction>> ClaimDueAsync(string owner, long nowMs, TimeSpan leaseDuration, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // SKIP LOCKED: a dispatcher passes over the rows another is claiming at this instant instead of waiting for them, and
        // read committed re-checks the lease condition on a row committed meanwhile, so two dispatchers never lease one action.
        var claimed = await QueryAsync($"""
            WITH picked AS (
                SELECT seq FROM outbox WHERE {Claimable} ORDER BY next_attempt_ms, seq LIMIT @n FOR UPDATE OF outbox SKIP LOCKED)
            UPDATE outbox o SET lease_owner = @owner, lease_until_ms = @until
            FROM picked WHERE o.seq = picked.seq
            RETURNING {Prefixed("o.", ActionColumns)}, o.seq
            """, r => (Action: StateRows.Action(r), Seq: r.GetInt64(18)), cancellationToken,
            ("owner", owner), ("now", nowMs), ("until", nowMs + (long)leaseDuration.TotalMilliseconds), ("n", (long)limit)).ConfigureAwait(false);
        claimed.Sort((a, b) => a.Action.NextAttemptMs != b.Action.NextAttemptMs ? a.Action.NextAttemptMs.CompareTo(b.Action.NextAttemptMs) : a.Seq.CompareTo(b.Seq));
        return claimed.ConvertAll(c => c.Action);
    }

    public async Task<long?> NextClaimableMsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("""
            SELECT min(greatest(next_attempt_ms, coalesce(lease_until_ms, 0))) FROM outbox
            WHERE status = 'pending' AND connector NOT IN (SELECT connector FROM paused_connectors)
            """, r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public Task<bool> MarkDeliveredAsync(string actionId, string owner, int attempts, long nowMs, CancellationToken cancellationToken = default) =>
        CompleteAsync(actionId, owner, "status = 'delivered', attempts = @n, delivered_ms = @t, last_error = NULL", attempts, nowMs, null, cancellationToken);

    public Task<bool> MarkRetryAsync(string actionId, string owner, int attempts, long nextAttemptMs, string problem, CancellationToken cancellationToken = default) =>
        CompleteAsync(actionId, owner, "attempts = @n, next_attempt_ms = @t, last_error = @err", attempts, nextAttemptMs, problem, cancellationToken);

    public Task<bool> MarkDeadAsync(string actionId, string owner, int attempts, string problem, CancellationToken cancellationToken = default) =>
        CompleteAsync(actionId, owner, "status = 'dead', attempts = @n, last_error = @err", attempts, NowMs, problem, cancellationToken);

    public Task<bool> MarkFailedAsync(string actionId, string owner, int attempts, string reason, CancellationToken cancellationToken = default) =>
        CompleteAsync(actionId, owner, "status = 'failed', attempts = @n, last_error = @err", attempts, NowMs, reason, cancellationToken);

    public async Task<bool> DeferAsync(string actionId, string owner, long untilMs, string reason, CancellationToken cancellationToken = default) =>
        await ExecuteAsync($"UPDATE outbox SET next_attempt_ms = @t, last_error = @err, lease_until_ms = NULL WHERE {HeldBy}", cancellationToken,
            ("id", actionId), ("owner", owner), ("t", untilMs), ("err", reason)).ConfigureAwait(false) == 1;

    /// <summary>One attempt's outcome; the first attempt's time is kept so a policy can give up by elapsed time.</summary>
    private async Task<bool> CompleteAsync(string actionId, string owner, string set, int attempts, long time, string? error, CancellationToken cancellationToken)
    {
        var sql = $"UPDATE outbox SET {set}, first_attempt_ms = COALESCE(first_attempt_ms, @now), lease_until_ms = NULL WHERE {HeldBy}";
        (string, object?)[] parameters = set.Contains("@err", StringComparison.Ordinal)
            ? [("id", actionId), ("owner", owner), ("n", attempts), ("t", time), ("now", NowMs), ("err", error)]
            : [("id", actionId), ("owner", owner), ("n", attempts), ("t", time), ("now", NowMs)];
        return await ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false) == 1;
    }

    public async Task PauseConnectorAsync(string connector, string reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connector);
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = Command(c, tx, """
            INSERT INTO paused_connectors (connector, reason, paused_by, paused_ms) VALUES (@c, @why, @by, @t)
            ON CONFLICT (connector) DO UPDATE SET reason = excluded.reason, paused_by = excluded.paused_by, paused_ms = excluded.paused_ms
            """, ("c", connector), ("why", reason ?? ""), ("by", actor.ToString()), ("t", NowMs)))
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, actor, "connector_paused", $"{connector}: {reason}", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ResumeConnectorAsync(string connector, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        bool resumed;
        await using (var cmd = Command(c, tx, "DELETE FROM paused_connectors WHERE connector = @c", ("c", connector)))
            resumed = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        if (resumed)
            await InsertAuditAsync(c, tx, actor, "connector_resumed", connector, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return resumed;
    }

    public async Task<IReadOnlyList<PausedConnector>> PausedConnectorsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT connector, reason, paused_by, paused_ms FROM paused_connectors ORDER BY connector COLLATE \"C\"",
            r => new PausedConnector(r.GetString(0), r.GetString(1), Actor.Parse(r.GetString(2)), r.GetInt64(3)), cancellationToken).ConfigureAwait(false);

    public async Task<int> RetryDeadAsync(long nowMs, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int count, resumed;
        await using (var cmd = Command(c, tx, """
            UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = @t, first_attempt_ms = NULL, lease_until_ms = NULL
            WHERE status IN ('dead', 'failed')
            """, ("t", nowMs)))
            count = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = Command(c, tx, "DELETE FROM paused_connectors"))
            resumed = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, actor, "outbox_retry_dead", $"{count} action(s) back to pending, {resumed} paused connector(s) resumed", cancellationToken)
            .ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    public async Task<IReadOnlyList<OutboxAction>> OutboxAsync(OutboxStatus? status = null, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {ActionColumns} FROM outbox {(status is null ? "" : "WHERE status = @s")} ORDER BY seq LIMIT @n", StateRows.Action, cancellationToken,
            ("s", status is { } s ? OutboxStatusText.Of(s) : null), ("n", (long)limit)).ConfigureAwait(false);

    public async Task<IReadOnlyDictionary<OutboxStatus, int>> OutboxCountsAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<OutboxStatus, int>();
        foreach (var s in Enum.GetValues<OutboxStatus>())
            counts[s] = 0;
        foreach (var (status, n) in await QueryAsync("SELECT status, count(*) FROM outbox GROUP BY status",
            r => (OutboxStatusText.Parse(r.GetString(0)), (int)r.GetInt64(1)), cancellationToken).ConfigureAwait(false))
            counts[status] = n;
        return counts;
    }

    private static string Prefixed(string prefix, string columns) => prefix + columns.Replace(", ", ", " + prefix, StringComparison.Ordinal);
}
