using Microsoft.Data.Sqlite;

namespace Pql.Core.State;

public sealed partial class SqliteStateStore
{
    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var tx = BeginWrite();
        InsertAudit(tx, entry);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
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

    public Task<AuditEntry?> LastAuditAsync(string action, CancellationToken cancellationToken = default)
    {
        using var cmd = Command(null, "SELECT at_ms, actor, action, detail FROM audit WHERE action = $a ORDER BY id DESC LIMIT 1");
        cmd.Parameters.AddWithValue("$a", action);
        using var r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)) : null);
    }

    public async Task<AuditEntry?> AppendAuditAfterLastAsync(string action, Func<AuditEntry?, AuditEntry?> decide, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        using var tx = BeginWrite();   // SQLite's write lock from the read on, so no other writer appends in between
        AuditEntry? last;
        using (var cmd = Command(tx, "SELECT at_ms, actor, action, detail FROM audit WHERE action = $a ORDER BY id DESC LIMIT 1"))
        {
            cmd.Parameters.AddWithValue("$a", action);
            using var r = cmd.ExecuteReader();
            last = r.Read() ? new AuditEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)) : null;
        }
        if (decide(last) is not { } entry)
            return null;
        InsertAudit(tx, entry);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public Task<AuditTrail> AuditTrailAsync(CancellationToken cancellationToken = default)
    {
        using var tx = _connection.BeginTransaction(deferred: true);   // one snapshot for the rows and the sequence
        var entries = new List<ChainedAuditEntry>();
        using (var cmd = Command(tx, "SELECT id, at_ms, actor, action, detail, prev_hash, hash FROM audit ORDER BY id"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
                entries.Add(new ChainedAuditEntry(r.GetInt64(0), new AuditEntry(r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4)), r.GetString(5), r.GetString(6)));
        }
        using var seq = Command(tx, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'");
        var lastIssued = seq.ExecuteScalar() is long n ? n : 0;
        return Task.FromResult(new AuditTrail(entries, lastIssued));
    }

    /// <summary>The audit line of a change, written in the change's own transaction.</summary>
    private void InsertAudit(SqliteTransaction tx, Actor actor, string action, string detail) =>
        InsertAudit(tx, new AuditEntry(NowMs, actor.ToString(), action, detail));

    /// <summary>Appends an entry chained to the last one; the caller's write transaction holds SQLite's write lock, so the last hash is current.</summary>
    private static void InsertAudit(SqliteTransaction tx, AuditEntry entry) => AppendChained(tx, entry);

    /// <summary>
    /// Appends an entry chained to the last one in the state file behind <paramref name="tx"/>, which must be a write transaction (it
    /// holds SQLite's write lock, so the last hash is current). The store and the API keys (same file) both append through it.
    /// </summary>
    internal static void AppendChained(SqliteTransaction tx, AuditEntry entry)
    {
        string previous;
        using (var last = tx.Connection!.CreateCommand())
        {
            last.Transaction = tx;
            last.CommandText = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1";
            previous = last.ExecuteScalar() is string hash && hash.Length > 0 ? hash : AuditHash.Genesis;
        }
        using var cmd = tx.Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO audit (at_ms, actor, action, detail, prev_hash, hash) VALUES ($t, $a, $x, $d, $p, $h)";
        cmd.Parameters.AddWithValue("$t", entry.AtMs);
        cmd.Parameters.AddWithValue("$a", entry.Actor);
        cmd.Parameters.AddWithValue("$x", entry.Action);
        cmd.Parameters.AddWithValue("$d", entry.Detail);
        cmd.Parameters.AddWithValue("$p", previous);
        cmd.Parameters.AddWithValue("$h", AuditHash.Compute(previous, entry));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Chains the rows written before schema version 3, in id order, once: when the file is upgraded (never later, so blanking a hash cannot re-chain).</summary>
    private void ChainUnchainedAudit()
    {
        using var tx = BeginWrite();
        var rows = new List<(long Id, AuditEntry Entry)>();
        using (var cmd = Command(tx, "SELECT id, at_ms, actor, action, detail FROM audit WHERE hash = '' ORDER BY id"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
                rows.Add((r.GetInt64(0), new AuditEntry(r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4))));
        }
        var previous = AuditHash.Genesis;
        foreach (var (id, entry) in rows)
        {
            var hash = AuditHash.Compute(previous, entry);
            using var update = Command(tx, "UPDATE audit SET prev_hash = $p, hash = $h WHERE id = $id");
            update.Parameters.AddWithValue("$p", previous);
            update.Parameters.AddWithValue("$h", hash);
            update.Parameters.AddWithValue("$id", id);
            update.ExecuteNonQuery();
            previous = hash;
        }
        tx.Commit();
    }
}
