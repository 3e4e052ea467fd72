namespace Pql.Core.Assessment;

/// <summary>
/// Facts measured from a workspace, each null when the data cannot tell. Built by <see cref="EvidenceCollector"/>;
/// latency and model facts come from the caller (the loader and the state store know them).
/// </summary>
public sealed record AssessmentEvidence
{
    /// <summary>Name of the goal read as activation, or null when none is defined.</summary>
    public string? ActivationGoal { get; init; }
    /// <summary>Entities (users or accounts) old enough to be judged: created at least one goal horizon before the last event.</summary>
    public int? ActivationCohort { get; init; }
    /// <summary>Entities of the cohort that activated within the horizon after they were created.</summary>
    public int? ActivatedCount { get; init; }
    /// <summary>ActivatedCount / ActivationCohort.</summary>
    public double? ActivationRate { get; init; }
    /// <summary>Median hours from creation to activation among those who activated within the horizon.</summary>
    public double? MedianHoursToActivation { get; init; }
    /// <summary>The window an entity has to activate (the goal's horizon), in hours.</summary>
    public double? ActivationWindowHours { get; init; }

    /// <summary>Distinct event names seen in the data.</summary>
    public int? DistinctEventNames { get; init; }
    /// <summary>Distinct products the events belong to.</summary>
    public int? ProductsTracked { get; init; }
    public int? EventCount { get; init; }

    /// <summary>Entries of the <c>triggers</c> section of pql.yaml (0 when it is absent).</summary>
    public int? TriggersConfigured { get; init; }
    /// <summary>Entries of the <c>playbooks</c> section of pql.yaml (0 when it is absent).</summary>
    public int? PlaybooksConfigured { get; init; }
    /// <summary>A <c>tiers</c> section routes scores into tiers.</summary>
    public bool? TiersConfigured { get; init; }

    /// <summary>Median delay between an event happening and the engine receiving it, in milliseconds.</summary>
    public double? LatencyMedianMs { get; init; }
    /// <summary>95th percentile of that delay, in milliseconds.</summary>
    public double? LatencyP95Ms { get; init; }

    /// <summary>Facts about PQL models from the state store, or null when there is none.</summary>
    public ModelEvidence? Model { get; init; }
}
