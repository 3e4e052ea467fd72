namespace Pql.Core.State;

/// <summary>
/// An audit entry as stored in the hash chain: its position (<paramref name="Id"/>, increasing, never reused), the hash of the
/// entry before it and its own hash (<see cref="AuditHash"/>). Governance's <c>AuditVerifier</c> checks the chain.
/// </summary>
public sealed record ChainedAuditEntry(long Id, AuditEntry Entry, string PreviousHash, string Hash);
