using Pql.Core.Events;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Assessment;

/// <summary>
/// Reads what the state store shows about PQL models and checks the scores against what happened next in the
/// event store: a model exists for a lead goal, its scored entities' conversions can be tracked, the lift of the
/// top tier, and the share of conversions that came from the high tiers.
/// </summary>
public static class ModelEvidenceReader
{
    /// <summary>
    /// The goal read as the PQL goal: <c>conversion</c> when it has a model, else the first goal with a model (a registered
    /// model, or a stored scoring run, which a model must have produced).
    /// Churn-style goals (<c>inactive_for</c>) are never lead goals. Returns "no model" when no goal has one.
    /// <para>
    /// Outcomes are read for the latest scoring run whose horizon has fully passed by the last event (else the latest
    /// run with any later event): an entity converted when it first achieved the goal in (as-of, as-of + horizon].
    /// Tiers are ranked by their mean score in that run; the high tiers are all but the lowest, and lift is the top
    /// tier's conversion rate over the run's. Lift and share stay null when there is no conversion to count.
    /// </para>
    /// </summary>
    public static ModelEvidence Read(IStateStore state, EventStore store, WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        var leadGoals = config.Goals.Where(g => g.Condition is not InactiveCondition).ToList();
        bool HasModel(GoalDefinition g) => state.Models(g.Name).Count > 0 || state.Runs(g.Name).Count > 0;
        var goal = leadGoals.FirstOrDefault(g => g.Name == "conversion" && HasModel(g)) ?? leadGoals.FirstOrDefault(HasModel);
        if (goal is null)
            return new ModelEvidence(null, HasModel: false, TracksConversion: false);

        var runs = state.Runs(goal.Name);
        var last = store.MaxTime;
        var run = runs.LastOrDefault(r => r.AsOfMs + goal.HorizonMs <= last) ?? runs.LastOrDefault(r => r.AsOfMs < last);
        if (run is null || store.EventCount == 0 || state.LoadRun(run.RunId) is not { } loaded)
            return new ModelEvidence(goal.Name, HasModel: true, TracksConversion: false);
        return Outcomes(goal, loaded, store);
    }

    private static ModelEvidence Outcomes(GoalDefinition goal, ScoreRun run, EventStore store)
    {
        var first = ActivationMeasure.FirstAchievement(store, goal);
        var ids = goal.Entity == EntityKind.User ? store.UserIds : store.AccountIds;
        var tiers = new Dictionary<string, (double ScoreSum, int Count, int Converted)>(StringComparer.Ordinal);
        int total = 0, converted = 0;
        foreach (var row in run.Rows)
        {
            var e = ids.Find(row.EntityId);
            if (e < 0)
                continue;
            var at = first[e];
            var hit = at != ActivationMeasure.Never && at > run.AsOfMs && at <= run.AsOfMs + goal.HorizonMs;
            total++;
            converted += hit ? 1 : 0;
            tiers.TryGetValue(row.Tier, out var t);
            tiers[row.Tier] = (t.ScoreSum + row.Score, t.Count + 1, t.Converted + (hit ? 1 : 0));
        }
        if (converted == 0 || tiers.Count == 0)
            return new ModelEvidence(goal.Name, HasModel: true, TracksConversion: true, Conversions: converted);

        var ranked = tiers.OrderByDescending(t => t.Value.ScoreSum / t.Value.Count).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        var top = ranked[0].Value;
        var lift = top.Converted / (double)top.Count / (converted / (double)total);
        double? highShare = null;
        if (ranked.Count >= 2)
            highShare = (converted - ranked[^1].Value.Converted) / (double)converted;
        return new ModelEvidence(goal.Name, HasModel: true, TracksConversion: true, lift, highShare, converted);
    }
}
