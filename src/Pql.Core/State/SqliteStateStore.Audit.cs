using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        InsertAudit(null, entry);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> AuditAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, "SELECT at_ms, actor, action, detail FROM audit ORDER BY id DESC LIMIT $n");
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<AuditEntry>();
        while (r.Read())
            list.Add(new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return Task.FromResult<IReadOnlyList<AuditEntry>>(list);
    }

    /// <summary>The audit line of a change, written in the change's own transaction.</summary>
    private void InsertAudit(SqliteTransaction? tx, Actor actor, string action, string detail) =>
        InsertAudit(tx, new AuditEntry(NowMs, actor.ToString(), action, detail));

    private void InsertAudit(SqliteTransaction? tx, AuditEntry entry)
    {
        using var cmd = Command(tx, "INSERT INTO audit (at_ms, actor, action, detail) VALUES ($t, $a, $x, $d)");
        cmd.Parameters.AddWithValue("$t", entry.AtMs);
        cmd.Parameters.AddWithValue("$a", entry.Actor);
        cmd.Parameters.AddWithValue("$x", entry.Action);
        cmd.Parameters.AddWithValue("$d", entry.Detail);
        cmd.ExecuteNonQuery();
    }
}
