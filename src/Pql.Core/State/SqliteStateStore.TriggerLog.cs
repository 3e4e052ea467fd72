using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public Task<IReadOnlyList<TriggerFiring>> TriggerLogAsync(string goal, string? runId = null, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, """
            SELECT run_id, goal, entity_id, trigger_name, playbook, reason, data_json, created_ms FROM trigger_log
            WHERE goal = $g AND ($r IS NULL OR run_id = $r) ORDER BY id
            """);
        cmd.Parameters.AddWithValue("$g", goal);
        cmd.Parameters.AddWithValue("$r", DbValue(runId));
        using var r = cmd.ExecuteReader();
        var list = new List<TriggerFiring>();
        while (r.Read())
            list.Add(new TriggerFiring(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7)));
        return Task.FromResult<IReadOnlyList<TriggerFiring>>(list);
    }

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
}
