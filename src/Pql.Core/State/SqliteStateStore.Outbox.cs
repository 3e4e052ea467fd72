using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    private const string ActionColumns =
        "action_id, run_id, goal, entity_id, trigger_name, playbook, connector, action, payload_json, created_ms, status, attempts, next_attempt_ms, last_error, delivered_ms";

    private void InsertFirings(SqliteTransaction tx, IReadOnlyList<TriggerFiring> firings)
    {
        using var cmd = Command(tx, """
            INSERT INTO trigger_log (run_id, goal, entity_id, trigger_name, playbook, reason, data_json, created_ms)
            VALUES ($r, $g, $e, $t, $p, $why, $d, $c)
            """);
        foreach (var f in firings)
        {
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("$r", f.RunId);
            cmd.Parameters.AddWithValue("$g", f.Goal);
            cmd.Parameters.AddWithValue("$e", f.EntityId);
            cmd.Parameters.AddWithValue("$t", f.Trigger);
            cmd.Parameters.AddWithValue("$p", f.Playbook);
            cmd.Parameters.AddWithValue("$why", f.Reason);
            cmd.Parameters.AddWithValue("$d", f.DataJson);
            cmd.Parameters.AddWithValue("$c", f.CreatedMs);
            cmd.ExecuteNonQuery();
        }
    }

    private void InsertActions(SqliteTransaction tx, IReadOnlyList<OutboxAction> actions)
    {
        using var cmd = Command(tx, $"""
            INSERT INTO outbox ({ActionColumns})
            VALUES ($id, $r, $g, $e, $t, $p, $c, $a, $j, $created, $s, $n, $next, $err, $dl)
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
            cmd.Parameters.AddWithValue("$s", StatusText(a.Status));
            cmd.Parameters.AddWithValue("$n", a.Attempts);
            cmd.Parameters.AddWithValue("$next", a.NextAttemptMs);
            cmd.Parameters.AddWithValue("$err", (object?)a.LastError ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$dl", (object?)a.DeliveredMs ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<TriggerFiring> TriggerLog(string goal, string? runId = null)
    {
        using var cmd = Command(null, """
            SELECT run_id, goal, entity_id, trigger_name, playbook, reason, data_json, created_ms FROM trigger_log
            WHERE goal = $g AND ($r IS NULL OR run_id = $r) ORDER BY id
            """);
        cmd.Parameters.AddWithValue("$g", goal);
        cmd.Parameters.AddWithValue("$r", (object?)runId ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<TriggerFiring>();
        while (r.Read())
            list.Add(new TriggerFiring(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7)));
        return list;
    }

    public IReadOnlyList<OutboxAction> DueActions(long nowMs, int limit)
    {
        using var cmd = Command(null, $"SELECT {ActionColumns} FROM outbox WHERE status = 'pending' AND next_attempt_ms <= $now ORDER BY next_attempt_ms, seq LIMIT $n");
        cmd.Parameters.AddWithValue("$now", nowMs);
        cmd.Parameters.AddWithValue("$n", limit);
        return ReadActions(cmd);
    }

    public long? NextPendingMs()
    {
        var v = Scalar("SELECT MIN(next_attempt_ms) FROM outbox WHERE status = 'pending'");
        return v is null or DBNull ? null : (long)v;
    }

    public IReadOnlyList<OutboxAction> Outbox(OutboxStatus? status = null, int limit = int.MaxValue)
    {
        using var cmd = Command(null, $"SELECT {ActionColumns} FROM outbox WHERE ($s IS NULL OR status = $s) ORDER BY seq LIMIT $n");
        cmd.Parameters.AddWithValue("$s", status is { } s ? StatusText(s) : DBNull.Value);
        cmd.Parameters.AddWithValue("$n", limit);
        return ReadActions(cmd);
    }

    public IReadOnlyDictionary<OutboxStatus, int> OutboxCounts()
    {
        var counts = new Dictionary<OutboxStatus, int>();
        foreach (var s in Enum.GetValues<OutboxStatus>())
            counts[s] = 0;
        using var cmd = Command(null, "SELECT status, COUNT(*) FROM outbox GROUP BY status");
        using var r = cmd.ExecuteReader();
        while (r.Read())
            counts[ParseStatus(r.GetString(0))] = r.GetInt32(1);
        return counts;
    }

    public void MarkDelivered(string actionId, int attempts, long nowMs) =>
        Update(actionId, "status = 'delivered', attempts = $n, delivered_ms = $t, last_error = NULL", attempts, nowMs, null);

    public void MarkRetry(string actionId, int attempts, long nextAttemptMs, string problem) =>
        Update(actionId, "attempts = $n, next_attempt_ms = $t, last_error = $err", attempts, nextAttemptMs, problem);

    public void MarkDead(string actionId, int attempts, string problem) =>
        Update(actionId, "status = 'dead', attempts = $n, last_error = $err", attempts, 0, problem);

    public void MarkFailed(string actionId, int attempts, string reason) =>
        Update(actionId, "status = 'failed', attempts = $n, last_error = $err", attempts, 0, reason);

    public int RetryDead(long nowMs)
    {
        using var cmd = Command(null, "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $t WHERE status IN ('dead', 'failed')");
        cmd.Parameters.AddWithValue("$t", nowMs);
        return cmd.ExecuteNonQuery();
    }

    private void Update(string actionId, string set, int attempts, long time, string? error)
    {
        using var cmd = Command(null, $"UPDATE outbox SET {set} WHERE action_id = $id");
        cmd.Parameters.AddWithValue("$id", actionId);
        cmd.Parameters.AddWithValue("$n", attempts);
        cmd.Parameters.AddWithValue("$t", time);
        if (set.Contains("$err", StringComparison.Ordinal))
            cmd.Parameters.AddWithValue("$err", (object?)error ?? DBNull.Value);
        if (cmd.ExecuteNonQuery() != 1)
            throw new InvalidOperationException($"outbox action {actionId} does not exist");
    }

    private static List<OutboxAction> ReadActions(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<OutboxAction>();
        while (r.Read())
        {
            list.Add(new OutboxAction(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9))
            {
                Status = ParseStatus(r.GetString(10)),
                Attempts = r.GetInt32(11),
                NextAttemptMs = r.GetInt64(12),
                LastError = r.IsDBNull(13) ? null : r.GetString(13),
                DeliveredMs = r.IsDBNull(14) ? null : r.GetInt64(14),
            });
        }
        return list;
    }

    internal static string StatusText(OutboxStatus s) => s switch
    {
        OutboxStatus.Pending => "pending",
        OutboxStatus.Delivered => "delivered",
        OutboxStatus.Dead => "dead",
        _ => "failed",
    };

    internal static OutboxStatus ParseStatus(string s) => s switch
    {
        "pending" => OutboxStatus.Pending,
        "delivered" => OutboxStatus.Delivered,
        "dead" => OutboxStatus.Dead,
        "failed" => OutboxStatus.Failed,
        _ => throw new InvalidDataException($"unknown outbox status '{s}'"),
    };
}
