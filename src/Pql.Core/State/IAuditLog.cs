namespace Pql.Core.State;

/// <summary>Audit trail: who changed what, when. The stores append to it themselves for the changes they make.</summary>
public interface IAuditLog
{
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The latest entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The newest entry with this action, or null: one indexed read, so a check run by every command does not read the whole trail.</summary>
    Task<AuditEntry?> LastAuditAsync(string action, CancellationToken cancellationToken = default);
}
