namespace Pql.Core.State;

/// <summary>
/// Overrides of entities' tiers with an expiry. A change either takes effect at once or, when the guardrail asks for it
/// (<c>Governance/OverrideGuardrail</c>), waits for an identity other than the one that asked. Expired overrides lapse on their own:
/// reads compare <see cref="EntityOverride.ExpiresMs"/> with the store's clock. Every change goes to the audit trail in its transaction.
/// </summary>
public interface IOverrides
{
    /// <summary>
    /// Stores one batch of overrides, active at once when <paramref name="approvalReason"/> is null, otherwise waiting for approval
    /// with that reason. Returns the batch number. Throws <see cref="ArgumentException"/> when the change names no entity or has expired.
    /// </summary>
    Task<long> SetOverridesAsync(OverrideChange change, string? approvalReason, Actor by, CancellationToken cancellationToken = default);

    /// <summary>The goal's overrides in force now (active and not expired), the latest per entity.</summary>
    Task<IReadOnlyDictionary<string, EntityOverride>> ActiveOverridesAsync(string goal, CancellationToken cancellationToken = default);

    /// <summary>The goal's overrides waiting for approval and not expired, oldest batch first.</summary>
    Task<IReadOnlyList<EntityOverride>> PendingOverridesAsync(string goal, CancellationToken cancellationToken = default);

    /// <summary>
    /// Approves a waiting batch, which then takes effect. Throws <see cref="InvalidOperationException"/> when no batch of the goal waits
    /// under that number, it has expired, or <paramref name="approver"/> is the identity that asked.
    /// </summary>
    Task ApproveOverridesAsync(string goal, long batch, Actor approver, CancellationToken cancellationToken = default);

    /// <summary>Ends an entity's active or waiting overrides of the goal before they expire; returns how many ended.</summary>
    Task<int> ClearOverridesAsync(string goal, string entityId, Actor by, CancellationToken cancellationToken = default);
}
