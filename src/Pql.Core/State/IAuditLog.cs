namespace Pql.Core.State;

/// <summary>Audit trail: who changed what, when. The stores append to it themselves for the changes they make.</summary>
public interface IAuditLog
{
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The latest entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The newest entry with this action, or null: one indexed read, so a check run by every command does not read the whole trail.</summary>
    Task<AuditEntry?> LastAuditAsync(string action, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the newest entry with <paramref name="action"/> and appends what <paramref name="decide"/> makes of it (nothing when it returns
    /// null), in one write transaction: two processes deciding from the same last entry cannot both append (a check-then-append done
    /// in two steps recorded one config edit twice when two commands started together). Returns the appended entry, or null.
    /// </summary>
    Task<AuditEntry?> AppendAuditAfterLastAsync(string action, Func<AuditEntry?, AuditEntry?> decide, CancellationToken cancellationToken = default);
}
