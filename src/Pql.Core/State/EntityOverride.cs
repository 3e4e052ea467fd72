namespace Pql.Core.State;

/// <summary>Where an override stands: in force, waiting for a second person, or ended by hand.</summary>
public enum OverrideStatus
{
    Active,
    Pending,
    Cleared,
}

/// <summary>
/// A person's correction of one entity's tier for a goal, until <see cref="ExpiresMs"/>: <see cref="Tier"/> replaces the model's tier, or,
/// when it is null, the entity is suppressed (scored and stored, but no trigger acts on it). Overrides set together share a
/// <see cref="Batch"/>, which is what a second person approves.
/// </summary>
public sealed record EntityOverride(
    long Batch,
    string Goal,
    string EntityId,
    string? Tier,
    string Reason,
    long ExpiresMs,
    string CreatedBy,
    long CreatedMs,
    OverrideStatus Status,
    string? ApprovedBy,
    string? ApprovalReason)
{
    public bool Suppressed => Tier is null;

    /// <summary>What the override does, in words: <c>tier high_touch</c> or <c>suppressed</c>.</summary>
    public string Effect => Tier is null ? "suppressed" : "tier " + Tier;
}

/// <summary>One request to override entities of a goal: a tier (null suppresses), the reason and when it lapses.</summary>
public sealed record OverrideChange(string Goal, IReadOnlyList<string> EntityIds, string? Tier, string Reason, long ExpiresMs);
