namespace Pql.Core.Governance;

/// <summary>What was done to an audit entry after it was written.</summary>
public enum AuditProblemKind
{
    /// <summary>Its content no longer matches its hash, or it was changed and re-hashed after the next entry was written.</summary>
    Edited,
    /// <summary>It is missing: the ids jump over it, or the log ends before the last id issued.</summary>
    Deleted,
    /// <summary>It sits at the wrong place: the entry it was chained to is elsewhere in the log.</summary>
    Reordered,
}

/// <summary>One finding of <see cref="AuditVerifier"/>, naming the entry by its id.</summary>
public sealed record AuditProblem(long EntryId, AuditProblemKind Kind, string Message);
