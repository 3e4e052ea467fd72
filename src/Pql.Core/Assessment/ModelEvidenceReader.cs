using System.Text.Json;
using Pql.Core.Events;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Assessment;

/// <summary>
/// Reads what the state store shows about PQL models and checks the stored scores against what happened next in the
/// event store: a model exists for a lead goal, conversions of scored entities can be followed, the lift of the
/// top tier, and the share of conversions that came from the high tiers.
/// </summary>
public static class ModelEvidenceReader
{
    /// <summary>
    /// The goal read as the PQL goal: <c>conversion</c> when it has a model, else the first goal with one (a registered
    /// model, or a stored scoring run, which a model must have produced). Churn-style goals (<c>inactive_for</c>) are
    /// never lead goals. Returns "no model" when no goal has one.
    /// <para>
    /// Conversion is tracked when scores are stored and the goal's outcome occurs in the data. Outcomes are read for the
    /// latest scoring run whose horizon has fully passed by the last event (else the latest run with any later event):
    /// an entity converted when it first achieved the goal in (as-of, as-of + horizon]. Tiers are ranked by mean score in
    /// that run; the high tiers are all but the lowest, and lift is the top tier's conversion rate over the run's.
    /// The held-out lift comes from the registered model's validation metrics.
    /// </para>
    /// </summary>
    public static async Task<ModelEvidence> ReadAsync<TState>(TState state, EventStore store, WorkspaceConfig config, CancellationToken cancellationToken = default)
        where TState : IModelRegistry, IScoreHistory
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        var leadGoals = config.Goals.Where(g => g.Condition is not InactiveCondition).ToList();
        var models = new Dictionary<string, IReadOnlyList<ModelRecord>>(StringComparer.Ordinal);
        var runsOf = new Dictionary<string, IReadOnlyList<RunSummary>>(StringComparer.Ordinal);
        foreach (var g in leadGoals)
        {
            models[g.Name] = await state.ModelsAsync(g.Name, cancellationToken).ConfigureAwait(false);
            runsOf[g.Name] = await state.RunsAsync(g.Name, cancellationToken).ConfigureAwait(false);
        }
        bool HasModel(GoalDefinition g) => models[g.Name].Count > 0 || runsOf[g.Name].Count > 0;
        var goal = leadGoals.FirstOrDefault(g => g.Name == "conversion" && HasModel(g)) ?? leadGoals.FirstOrDefault(HasModel);
        if (goal is null)
            return new ModelEvidence(null, HasModel: false, TracksConversion: false);

        var heldOut = HeldOutLift(models[goal.Name]);
        var runs = runsOf[goal.Name];
        var first = ActivationMeasure.FirstAchievement(store, goal);
        var observed = Array.Exists(first, t => t != ActivationMeasure.Never);
        var evidence = new ModelEvidence(goal.Name, HasModel: true, TracksConversion: runs.Count > 0 && observed, HeldOutLift: heldOut);
        if (!evidence.TracksConversion)
            return evidence;

        var last = store.MaxTime;
        var run = runs.LastOrDefault(r => r.AsOfMs + goal.HorizonMs <= last) ?? runs.LastOrDefault(r => r.AsOfMs < last);
        if (run is null || await state.LoadRunAsync(run.RunId, cancellationToken).ConfigureAwait(false) is not { } loaded)
            return evidence;
        return Outcomes(evidence, goal, loaded, store, first);
    }

    private static ModelEvidence Outcomes(ModelEvidence evidence, GoalDefinition goal, ScoreRun run, EventStore store, long[] first)
    {
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
        if (converted == 0)
            return evidence with { Conversions = 0 };

        var ranked = tiers.OrderByDescending(t => t.Value.ScoreSum / t.Value.Count).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        var top = ranked[0].Value;
        double? highShare = ranked.Count >= 2 ? (converted - ranked[^1].Value.Converted) / (double)converted : null;
        return evidence with
        {
            Conversions = converted,
            Lift = top.Converted / (double)top.Count / (converted / (double)total),
            HighTierConversionShare = highShare,
        };
    }

    /// <summary>
    /// The newest registered model's top-decile lift on its validation cutoff, read from its metrics JSON
    /// (<c>{ "&lt;kind&gt;": { "LiftTopDecile": x, ... } }</c>, the model's own kind first); null when absent.
    /// </summary>
    internal static double? HeldOutLift(IReadOnlyList<ModelRecord> models)
    {
        var model = models.OrderBy(m => m.CreatedMs).LastOrDefault();
        if (model is null || string.IsNullOrWhiteSpace(model.MetricsJson))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(model.MetricsJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            if (root.TryGetProperty(model.Kind, out var own) && Lift(own) is { } lift)
                return lift;
            return Lift(root);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? Lift(JsonElement metrics)
    {
        foreach (var name in (string[])["LiftTopDecile", "lift_top_decile", "lift"])
        {
            if (metrics.ValueKind == JsonValueKind.Object && metrics.TryGetProperty(name, out var v)
                && v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()))
                return v.GetDouble();
        }
        return null;
    }
}
