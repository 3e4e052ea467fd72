namespace Pql.Core.State;

/// <summary>
/// The whole audit chain, oldest first, and the highest entry id the store ever issued: when the last entries were deleted,
/// <paramref name="LastIssuedId"/> is beyond the last entry left, which is how a truncated tail is detected.
/// </summary>
public sealed record AuditTrail(IReadOnlyList<ChainedAuditEntry> Entries, long LastIssuedId);
