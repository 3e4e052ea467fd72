using Pql.Core.Events;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Assessment;

/// <summary>
/// Measures what a workspace's own data says about its PLG maturity: activation (when an activation goal
/// is defined), how much of the product is tracked, and what the config automates.
/// </summary>
public static class EvidenceCollector
{
    /// <summary>
    /// Collects the facts the event store and config can show. Latency (from the loader) and model facts
    /// (from the state store) are passed through as given; leave them null when unknown.
    /// </summary>
    public static AssessmentEvidence Collect(
        EventStore store,
        WorkspaceConfig config,
        ModelEvidence? model = null,
        double? latencyMedianMs = null,
        double? latencyP95Ms = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);

        var evidence = new AssessmentEvidence
        {
            EventCount = store.EventCount,
            DistinctEventNames = CountUsed(store.EventName, store.EventNames.Count),
            ProductsTracked = CountUsed(store.EventProduct, store.Products.Count),
            TriggersConfigured = CountEntries((YamlNode?)config.ListSection("triggers") ?? config.Section("triggers")),
            PlaybooksConfigured = CountEntries(config.Section("playbooks")),
            TiersConfigured = config.Section("tiers") is not null,
            LatencyMedianMs = latencyMedianMs,
            LatencyP95Ms = latencyP95Ms,
            Model = model,
        };

        var goal = FindActivationGoal(config.Goals);
        if (goal is null)
            return evidence;
        var activation = ActivationMeasure.Measure(store, goal);
        return evidence with
        {
            ActivationGoal = goal.Name,
            ActivationWindowHours = goal.HorizonMs / (double)Duration.MsPerHour,
            ActivationCohort = activation.Cohort,
            ActivatedCount = activation.Activated,
            ActivationRate = activation.Cohort == 0 ? null : activation.Activated / (double)activation.Cohort,
            MedianHoursToActivation = activation.MedianMs is { } ms ? ms / Duration.MsPerHour : null,
        };
    }

    /// <summary>
    /// The goal read as activation: the one named <c>activation</c>, else the first <c>all</c>/<c>any</c> count goal.
    /// Goals of kind <c>inactive_for</c> describe churn, never activation.
    /// </summary>
    public static GoalDefinition? FindActivationGoal(IReadOnlyList<GoalDefinition> goals)
    {
        ArgumentNullException.ThrowIfNull(goals);
        foreach (var g in goals)
        {
            if (string.Equals(g.Name, "activation", StringComparison.OrdinalIgnoreCase) && g.Condition is not InactiveCondition)
                return g;
        }
        foreach (var g in goals)
        {
            if (g.Condition is CountCondition)
                return g;
        }
        return null;
    }

    /// <summary>Number of distinct codes in 0..size-1 that occur in the column (negative codes mean none).</summary>
    private static int CountUsed(int[] codes, int size)
    {
        var seen = new bool[size];
        var count = 0;
        foreach (var c in codes)
        {
            if (c >= 0 && !seen[c])
            {
                seen[c] = true;
                count++;
            }
        }
        return count;
    }

    /// <summary>Entries of a config section written as a mapping (name: ...) or a list (- name: ...); 0 when absent.</summary>
    internal static int CountEntries(YamlNode? section) => section switch
    {
        YamlMappingNode map => map.Children.Count,
        YamlSequenceNode list => list.Children.Count,
        _ => 0,
    };
}
