using Npgsql;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, null, entry, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT at_ms, actor, action, detail FROM audit ORDER BY id DESC LIMIT @n",
            r => new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancellationToken, ("n", (long)limit)).ConfigureAwait(false);

    /// <summary>The audit line of a change, written in the change's own transaction.</summary>
    private Task InsertAuditAsync(NpgsqlConnection c, NpgsqlTransaction tx, Actor actor, string action, string detail, CancellationToken cancellationToken) =>
        InsertAuditAsync(c, tx, new AuditEntry(NowMs, actor.ToString(), action, detail), cancellationToken);

    private static async Task InsertAuditAsync(NpgsqlConnection c, NpgsqlTransaction? tx, AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, tx, "INSERT INTO audit (at_ms, actor, action, detail) VALUES (@t, @a, @x, @d)",
            ("t", entry.AtMs), ("a", entry.Actor), ("x", entry.Action), ("d", entry.Detail));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
