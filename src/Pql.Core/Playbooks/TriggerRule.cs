namespace Pql.Core.Playbooks;

/// <summary>What a trigger watches for.</summary>
public enum TriggerKind
{
    /// <summary>The entity is in the tier now and was not before (or was never scored).</summary>
    TierEntered,
    /// <summary>The entity was in the tier and is not now.</summary>
    TierLeft,
    /// <summary>The score crossed the threshold (upward by default; <c>direction: down</c> or <c>both</c>).</summary>
    ScoreCrosses,
    /// <summary>The score moved by at least the threshold, either way.</summary>
    ScoreDelta,
    /// <summary>The entity is scored for the goal for the first time.</summary>
    FirstScored,
    /// <summary>Goal-level: a drift check finds a feature or the score drifted above the threshold (fired by the drift check, not by scoring).</summary>
    DriftAbove,
}

/// <summary>A rule from the <c>triggers</c> list of <c>pql.yaml</c>: when it fires, the playbook runs for that entity.</summary>
public sealed record TriggerRule(
    string Name,
    string? Goal,
    TriggerKind Kind,
    string? Tier,
    double Threshold,
    string Direction,
    IReadOnlyDictionary<string, string> Filter,
    string Playbook);
