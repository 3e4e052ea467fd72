using Npgsql;

namespace Pql.Core.State;

public sealed partial class PostgresStateStore
{
    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertAuditAsync(c, tx, entry, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT at_ms, actor, action, detail FROM audit ORDER BY id DESC LIMIT @n",
            r => new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancellationToken, ("n", (long)limit)).ConfigureAwait(false);

    public async Task<AuditEntry?> LastAuditAsync(string action, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT at_ms, actor, action, detail FROM audit WHERE action = @a ORDER BY id DESC LIMIT 1",
            r => new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancellationToken, ("a", action)).ConfigureAwait(false))
        .FirstOrDefault();

    public async Task<AuditEntry?> AppendAuditAfterLastAsync(string action, Func<AuditEntry?, AuditEntry?> decide, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The head row's lock serializes appenders (as in InsertAuditAsync), taken before the read so the decision sees the last append.
        await using (var lockHead = Command(c, tx, "SELECT last_id FROM audit_head FOR UPDATE"))
            await lockHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        AuditEntry? last = null;
        await using (var cmd = Command(c, tx, "SELECT at_ms, actor, action, detail FROM audit WHERE action = @a ORDER BY id DESC LIMIT 1", ("a", action)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                last = new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3));
        }
        if (decide(last) is not { } entry)
            return null;
        await InsertAuditAsync(c, tx, entry, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<AuditTrail> AuditTrailAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        // One snapshot for the rows and the head, so an entry appended meanwhile is seen in both or in neither.
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var entries = new List<ChainedAuditEntry>();
        await using (var cmd = Command(c, tx, "SELECT id, at_ms, actor, action, detail, prev_hash, hash FROM audit ORDER BY id"))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                entries.Add(new ChainedAuditEntry(r.GetInt64(0), new AuditEntry(r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4)), r.GetString(5), r.GetString(6)));
        }
        await using var head = Command(c, tx, "SELECT last_id FROM audit_head");
        var lastIssued = await head.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long n ? n : 0;
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditTrail(entries, lastIssued);
    }

    /// <summary>The audit line of a change, written in the change's own transaction.</summary>
    private Task InsertAuditAsync(NpgsqlConnection c, NpgsqlTransaction tx, Actor actor, string action, string detail, CancellationToken cancellationToken) =>
        InsertAuditAsync(c, tx, new AuditEntry(NowMs, actor.ToString(), action, detail), cancellationToken);

    /// <summary>
    /// Appends an entry chained to the last one. The head row's lock (taken by the UPDATE) serializes appenders until the caller's
    /// transaction ends, so the chain cannot fork and ids are issued without gaps.
    /// </summary>
    private static async Task InsertAuditAsync(NpgsqlConnection c, NpgsqlTransaction tx, AuditEntry entry, CancellationToken cancellationToken)
    {
        long id;
        string previous;
        await using (var next = Command(c, tx, "UPDATE audit_head SET last_id = last_id + 1 RETURNING last_id, last_hash"))
        await using (var r = await next.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw new InvalidOperationException("the PostgreSQL state schema has no audit_head row; it was not created by pql's migrations");
            id = r.GetInt64(0);
            previous = r.GetString(1) is { Length: > 0 } h ? h : AuditHash.Genesis;
        }
        var hash = AuditHash.Compute(previous, entry);
        await using (var cmd = Command(c, tx, "INSERT INTO audit (id, at_ms, actor, action, detail, prev_hash, hash) VALUES (@id, @t, @a, @x, @d, @p, @h)",
            ("id", id), ("t", entry.AtMs), ("a", entry.Actor), ("x", entry.Action), ("d", entry.Detail), ("p", previous), ("h", hash)))
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var update = Command(c, tx, "UPDATE audit_head SET last_hash = @h", ("h", hash));
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
