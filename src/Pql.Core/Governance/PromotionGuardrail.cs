namespace Pql.Core.Governance;

/// <summary>When a newly trained version may replace the current one without a person: the defaults.</summary>
public sealed record PromotionOptions
{
    /// <summary>How far the new version's metric (ROC AUC on the same window) may fall below the current one's. Default 0.005.</summary>
    public double MaxMetricDrop { get; init; } = 0.005;

    /// <summary>The share of scored entities that may change tier between the two versions. Default 0.2.</summary>
    public double MaxTierMoveShare { get; init; } = 0.2;
}

/// <summary>Whether a version is promoted now, and why (the reason goes to the audit trail and the pending approval).</summary>
public sealed record PromotionDecision(bool Automatic, string Reason);

/// <summary>
/// The promotion guardrail: a new version is promoted automatically only if its metric is at most
/// <see cref="PromotionOptions.MaxMetricDrop"/> below the current version's on the same window and it moves fewer than
/// <see cref="PromotionOptions.MaxTierMoveShare"/> of the entities across tiers; otherwise it waits for a second person.
/// The first version of a goal has nothing to compare with and is promoted.
/// </summary>
public static class PromotionGuardrail
{
    public static PromotionDecision Decide(double? currentMetric, double candidateMetric, double tierMoveShare, PromotionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (currentMetric is not { } current)
            return new PromotionDecision(true, "first version of the goal");
        var drop = current - candidateMetric;
        if (drop > options.MaxMetricDrop)
            return new PromotionDecision(false, $"metric {candidateMetric:0.0000} is {drop:0.0000} below the current {current:0.0000} (allowed {options.MaxMetricDrop:0.0000})");
        if (tierMoveShare >= options.MaxTierMoveShare)
            return new PromotionDecision(false, $"{tierMoveShare:P1} of entities change tier (allowed below {options.MaxTierMoveShare:P1})");
        return new PromotionDecision(true, $"metric {candidateMetric:0.0000} vs current {current:0.0000}, {tierMoveShare:P1} of entities change tier");
    }
}
