namespace Pql.Core.State;

/// <summary>One line of the audit trail: who did what, when.</summary>
public sealed record AuditEntry(long AtMs, string Actor, string Action, string Detail);
