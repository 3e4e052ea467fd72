using Npgsql;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public async Task<IReadOnlyList<TriggerFiring>> TriggerLogAsync(string goal, string? runId = null, CancellationToken cancellationToken = default) =>
        await QueryAsync($"""
            SELECT run_id, goal, entity_id, trigger_name, playbook, reason, data_json, created_ms FROM trigger_log
            WHERE goal = @g {(runId is null ? "" : "AND run_id = @r")} ORDER BY id
            """,
            r => new TriggerFiring(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7)),
            cancellationToken, ("g", goal), ("r", runId)).ConfigureAwait(false);

    private static async Task InsertFiringsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<TriggerFiring> firings, CancellationToken cancellationToken)
    {
        foreach (var f in firings)
        {
            await using var cmd = Command(c, tx, """
                INSERT INTO trigger_log (run_id, goal, entity_id, trigger_name, playbook, reason, data_json, created_ms)
                VALUES (@r, @g, @e, @t, @p, @why, @d, @c)
                """, ("r", f.RunId), ("g", f.Goal), ("e", f.EntityId), ("t", f.Trigger), ("p", f.Playbook), ("why", f.Reason), ("d", f.DataJson), ("c", f.CreatedMs));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
