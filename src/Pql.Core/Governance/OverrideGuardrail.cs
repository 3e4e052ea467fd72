namespace Pql.Core.Governance;

/// <summary>When an override needs a second person (pql.yaml's <c>overrides:</c>, read by <c>OverrideService.Options</c>).</summary>
public sealed record OverrideOptions
{
    /// <summary>An override of more entities than this at once waits for approval. Default 10.</summary>
    public int MaxEntitiesWithoutApproval { get; init; } = 10;

    /// <summary>A move of more tiers than this (from the model's tier) waits for approval. Default 1.</summary>
    public int MaxTierStepsWithoutApproval { get; init; } = 1;
}

/// <summary>
/// The override guardrail: an override takes effect at once unless it moves an entity more than
/// <see cref="OverrideOptions.MaxTierStepsWithoutApproval"/> tiers away from the tier the model gave it (an entity not yet scored counts as
/// the lowest tier), or names more than <see cref="OverrideOptions.MaxEntitiesWithoutApproval"/> entities at once (both from pql.yaml's
/// <c>overrides:</c> section); then it waits for an identity other than the one that asked. Suppressing moves no tier; only the count applies.
/// </summary>
public static class OverrideGuardrail
{
    /// <summary>Why the override must wait, or null when it may take effect now.</summary>
    /// <param name="tierNames">The goal's tiers, highest first (<c>TierPolicy.TierNames</c>).</param>
    /// <param name="modelTiers">Each named entity's tier from its latest scoring, where it has one.</param>
    /// <param name="entityIds">The entities the override names.</param>
    /// <param name="targetTier">The tier asked for; null suppresses.</param>
    /// <param name="options">The limits.</param>
    public static string? ApprovalReason(IReadOnlyList<string> tierNames, IReadOnlyDictionary<string, string> modelTiers,
        IReadOnlyList<string> entityIds, string? targetTier, OverrideOptions options)
    {
        ArgumentNullException.ThrowIfNull(tierNames);
        ArgumentNullException.ThrowIfNull(modelTiers);
        ArgumentNullException.ThrowIfNull(entityIds);
        ArgumentNullException.ThrowIfNull(options);
        if (entityIds.Count > options.MaxEntitiesWithoutApproval)
            return $"{entityIds.Count} entities at once (more than {options.MaxEntitiesWithoutApproval} need approval)";
        if (targetTier is null)
            return null;
        var target = IndexOf(tierNames, targetTier);
        var worst = 0;
        string? worstEntity = null;
        foreach (var id in entityIds)
        {
            var from = modelTiers.TryGetValue(id, out var tier) ? IndexOf(tierNames, tier) : tierNames.Count - 1;
            var steps = Math.Abs(target - from);
            if (steps > worst)
                (worst, worstEntity) = (steps, id);
        }
        return worst > options.MaxTierStepsWithoutApproval
            ? $"moves {worstEntity} {worst} tiers from {(modelTiers.TryGetValue(worstEntity!, out var t) ? t : "not scored")} to {targetTier} (more than {options.MaxTierStepsWithoutApproval} needs approval)"
            : null;
    }

    private static int IndexOf(IReadOnlyList<string> tierNames, string tier)
    {
        for (var i = 0; i < tierNames.Count; i++)
        {
            if (tierNames[i] == tier)
                return i;
        }
        throw new ArgumentException($"'{tier}' is not a tier of this goal ({string.Join(", ", tierNames)})", nameof(tier));
    }
}
