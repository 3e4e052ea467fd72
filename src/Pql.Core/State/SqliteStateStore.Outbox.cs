using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    private const string ActionColumns =
        "action_id, run_id, goal, entity_id, trigger_name, playbook, connector, action, payload_json, created_ms, status, attempts, next_attempt_ms, " +
        "last_error, delivered_ms, first_attempt_ms, lease_owner, lease_until_ms";

    /// <summary>Pending, due, not leased (or the lease expired) and not held back by a paused connector.</summary>
    private const string Claimable =
        "status = 'pending' AND next_attempt_ms <= $now AND (lease_until_ms IS NULL OR lease_until_ms <= $now) " +
        "AND connector NOT IN (SELECT connector FROM paused_connectors)";

    /// <summary>Completion writes match only the lease holder's pending row; the lease is released by the write.</summary>
    private const string HeldBy = "action_id = $id AND lease_owner = $owner AND status = 'pending' AND lease_until_ms IS NOT NULL";

    private void InsertActions(SqliteTransaction tx, IReadOnlyList<OutboxAction> actions)
    {
        using var cmd = Command(tx, $"""
            INSERT INTO outbox ({ActionColumns})
            VALUES ($id, $r, $g, $e, $t, $p, $c, $a, $j, $created, $s, $n, $next, $err, $dl, $first, NULL, NULL)
            """);
        foreach (var a in actions)
        {
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("$id", a.ActionId);
            cmd.Parameters.AddWithValue("$r", a.RunId);
            cmd.Parameters.AddWithValue("$g", a.Goal);
            cmd.Parameters.AddWithValue("$e", a.EntityId);
            cmd.Parameters.AddWithValue("$t", a.Trigger);
            cmd.Parameters.AddWithValue("$p", a.Playbook);
            cmd.Parameters.AddWithValue("$c", a.Connector);
            cmd.Parameters.AddWithValue("$a", a.Action);
            cmd.Parameters.AddWithValue("$j", a.PayloadJson);
            cmd.Parameters.AddWithValue("$created", a.CreatedMs);
            cmd.Parameters.AddWithValue("$s", OutboxStatusText.Of(a.Status));
            cmd.Parameters.AddWithValue("$n", a.Attempts);
            cmd.Parameters.AddWithValue("$next", a.NextAttemptMs);
            cmd.Parameters.AddWithValue("$err", DbValue(a.LastError));
            cmd.Parameters.AddWithValue("$dl", DbValue(a.DeliveredMs));
            cmd.Parameters.AddWithValue("$first", DbValue(a.FirstAttemptMs));
            cmd.ExecuteNonQuery();
        }
    }

    public async Task<IReadOnlyList<OutboxAction>> ClaimDueAsync(string owner, long nowMs, TimeSpan leaseDuration, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        using var tx = BeginWrite();
        using var cmd = Command(tx, $"""
            UPDATE outbox SET lease_owner = $owner, lease_until_ms = $until
            WHERE seq IN (SELECT seq FROM outbox WHERE {Claimable} ORDER BY next_attempt_ms, seq LIMIT $n)
            RETURNING {ActionColumns}, seq
            """);
        cmd.Parameters.AddWithValue("$owner", owner);
        cmd.Parameters.AddWithValue("$now", nowMs);
        cmd.Parameters.AddWithValue("$until", nowMs + (long)leaseDuration.TotalMilliseconds);
        cmd.Parameters.AddWithValue("$n", limit);
        var claimed = new List<(OutboxAction Action, long Seq)>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
                claimed.Add((StateRows.Action(r), r.GetInt64(18)));
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        claimed.Sort((a, b) => a.Action.NextAttemptMs != b.Action.NextAttemptMs ? a.Action.NextAttemptMs.CompareTo(b.Action.NextAttemptMs) : a.Seq.CompareTo(b.Seq));
        return claimed.ConvertAll(c => c.Action);
    }

    public Task<long?> NextClaimableMsAsync(CancellationToken cancellationToken = default)
    {
        var v = Scalar("""
            SELECT MIN(MAX(next_attempt_ms, COALESCE(lease_until_ms, 0))) FROM outbox
            WHERE status = 'pending' AND connector NOT IN (SELECT connector FROM paused_connectors)
            """);
        return Task.FromResult(v is null or DBNull ? (long?)null : (long)v);
    }

    public Task<bool> MarkDeliveredAsync(string actionId, string owner, int attempts, long nowMs, CancellationToken cancellationToken = default) =>
        Complete(actionId, owner, "status = 'delivered', attempts = $n, delivered_ms = $t, last_error = NULL", attempts, nowMs, null);

    public Task<bool> MarkRetryAsync(string actionId, string owner, int attempts, long nextAttemptMs, string problem, CancellationToken cancellationToken = default) =>
        Complete(actionId, owner, "attempts = $n, next_attempt_ms = $t, last_error = $err", attempts, nextAttemptMs, problem);

    public Task<bool> MarkDeadAsync(string actionId, string owner, int attempts, string problem, CancellationToken cancellationToken = default) =>
        Complete(actionId, owner, "status = 'dead', attempts = $n, last_error = $err", attempts, NowMs, problem);

    public Task<bool> MarkFailedAsync(string actionId, string owner, int attempts, string reason, CancellationToken cancellationToken = default) =>
        Complete(actionId, owner, "status = 'failed', attempts = $n, last_error = $err", attempts, NowMs, reason);

    public Task<bool> DeferAsync(string actionId, string owner, long untilMs, string reason, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, $"UPDATE outbox SET next_attempt_ms = $t, last_error = $err, lease_until_ms = NULL WHERE {HeldBy}");
        cmd.Parameters.AddWithValue("$id", actionId);
        cmd.Parameters.AddWithValue("$owner", owner);
        cmd.Parameters.AddWithValue("$t", untilMs);
        cmd.Parameters.AddWithValue("$err", reason);
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    /// <summary>One attempt's outcome; the first attempt's time is kept so a policy can give up by elapsed time.</summary>
    private Task<bool> Complete(string actionId, string owner, string set, int attempts, long time, string? error)
    {
        using var cmd = Command(null,
            $"UPDATE outbox SET {set}, first_attempt_ms = COALESCE(first_attempt_ms, $now), lease_until_ms = NULL WHERE {HeldBy}");
        cmd.Parameters.AddWithValue("$id", actionId);
        cmd.Parameters.AddWithValue("$owner", owner);
        cmd.Parameters.AddWithValue("$n", attempts);
        cmd.Parameters.AddWithValue("$t", time);
        cmd.Parameters.AddWithValue("$now", NowMs);
        if (set.Contains("$err", StringComparison.Ordinal))
            cmd.Parameters.AddWithValue("$err", DbValue(error));
        return Task.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    public async Task PauseConnectorAsync(string connector, string reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connector);
        ArgumentNullException.ThrowIfNull(actor);
        using var tx = BeginWrite();
        using (var cmd = Command(tx, """
            INSERT INTO paused_connectors (connector, reason, paused_by, paused_ms) VALUES ($c, $why, $by, $t)
            ON CONFLICT (connector) DO UPDATE SET reason = excluded.reason, paused_by = excluded.paused_by, paused_ms = excluded.paused_ms
            """))
        {
            cmd.Parameters.AddWithValue("$c", connector);
            cmd.Parameters.AddWithValue("$why", reason ?? "");
            cmd.Parameters.AddWithValue("$by", actor.ToString());
            cmd.Parameters.AddWithValue("$t", NowMs);
            cmd.ExecuteNonQuery();
        }
        InsertAudit(tx, actor, "connector_paused", $"{connector}: {reason}");
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ResumeConnectorAsync(string connector, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        using var tx = BeginWrite();
        using var cmd = Command(tx, "DELETE FROM paused_connectors WHERE connector = $c");
        cmd.Parameters.AddWithValue("$c", connector);
        var resumed = cmd.ExecuteNonQuery() == 1;
        if (resumed)
            InsertAudit(tx, actor, "connector_resumed", connector);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return resumed;
    }

    public Task<IReadOnlyList<PausedConnector>> PausedConnectorsAsync(CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, "SELECT connector, reason, paused_by, paused_ms FROM paused_connectors ORDER BY connector");
        using var r = cmd.ExecuteReader();
        var list = new List<PausedConnector>();
        while (r.Read())
            list.Add(new PausedConnector(r.GetString(0), r.GetString(1), Actor.Parse(r.GetString(2)), r.GetInt64(3)));
        return Task.FromResult<IReadOnlyList<PausedConnector>>(list);
    }

    public async Task<int> RetryDeadAsync(long nowMs, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        using var tx = BeginWrite();
        int count;
        using (var cmd = Command(tx, """
            UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $t, first_attempt_ms = NULL, lease_until_ms = NULL
            WHERE status IN ('dead', 'failed')
            """))
        {
            cmd.Parameters.AddWithValue("$t", nowMs);
            count = cmd.ExecuteNonQuery();
        }
        int resumed;
        using (var cmd = Command(tx, "DELETE FROM paused_connectors"))
            resumed = cmd.ExecuteNonQuery();
        InsertAudit(tx, actor, "outbox_retry_dead", $"{count} action(s) back to pending, {resumed} paused connector(s) resumed");
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    public Task<IReadOnlyList<OutboxAction>> OutboxAsync(OutboxStatus? status = null, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, $"SELECT {ActionColumns} FROM outbox WHERE ($s IS NULL OR status = $s) ORDER BY seq LIMIT $n");
        cmd.Parameters.AddWithValue("$s", status is { } s ? OutboxStatusText.Of(s) : DBNull.Value);
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<OutboxAction>();
        while (r.Read())
            list.Add(StateRows.Action(r));
        return Task.FromResult<IReadOnlyList<OutboxAction>>(list);
    }

    public Task<IReadOnlyDictionary<OutboxStatus, int>> OutboxCountsAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<OutboxStatus, int>();
        foreach (var s in Enum.GetValues<OutboxStatus>())
            counts[s] = 0;
        using var cmd = Command(null, "SELECT status, COUNT(*) FROM outbox GROUP BY status");
        using var r = cmd.ExecuteReader();
        while (r.Read())
            counts[OutboxStatusText.Parse(r.GetString(0))] = r.GetInt32(1);
        return Task.FromResult<IReadOnlyDictionary<OutboxStatus, int>>(counts);
    }
}
