namespace Pql.Core.State;

/// <summary>
/// Reads the audit trail as a hash chain, for verification. A store that implements it computes each appended entry's
/// <see cref="ChainedAuditEntry.Hash"/> with <see cref="AuditHash.Compute"/> from the previous entry's hash, inside the
/// transaction that appends it, so concurrent writers cannot fork the chain.
/// </summary>
public interface IAuditChain
{
    /// <summary>Every entry, oldest first, with the highest id ever issued.</summary>
    Task<AuditTrail> AuditTrailAsync(CancellationToken cancellationToken = default);
}
