using System.Collections.Immutable;
using System.Globalization;

namespace Pql.Core.Assessment;

/// <summary>
/// Turns measured evidence into a suggested level for the dimensions the data can speak to. A suggestion is the
/// highest level the data supports; the feedback loop between teams leaves no trace in product data, so it never
/// gets one. The thresholds mirror the level descriptions in <see cref="Rubric"/>.
/// </summary>
public static class LevelSuggester
{
    public const double HourMs = 3_600_000;
    public const double DayMs = 24 * HourMs;
    /// <summary>The rubric's "ten or more key events" for data integration level 3.</summary>
    public const int KeyEventsForRealTime = 10;
    /// <summary>Triggers needed for campaigns level 3 (the rubric's behavioural flows start above three).</summary>
    public const int TriggersForFlows = 4;
    /// <summary>Lift of the top tier over the base rate that a managed PQL model (level 4) must show.</summary>
    public const double ManagedModelLift = 1.5;

    public static ImmutableArray<LevelSuggestion> Suggest(AssessmentEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var list = ImmutableArray.CreateBuilder<LevelSuggestion>();
        Add(list, DataIntegration(evidence));
        Add(list, Activation(evidence));
        Add(list, Campaigns(evidence));
        Add(list, Pql(evidence));
        return list.ToImmutable();
    }

    private static void Add(ImmutableArray<LevelSuggestion>.Builder list, LevelSuggestion? s)
    {
        if (s is not null)
            list.Add(s);
    }

    private static LevelSuggestion? DataIntegration(AssessmentEvidence e)
    {
        if (e.DistinctEventNames is not { } names)
            return null;
        if (names == 0)
            return new(Dimension.DataIntegration, 1, "the workspace holds no product events");
        var level = names >= KeyEventsForRealTime ? 3 : 2;
        var reason = Invariant($"{names} distinct event name(s) tracked");
        if (e.LatencyMedianMs is { } latency)
        {
            reason += Invariant($", median arrival delay {FormatDuration(latency)}");
            if (latency >= DayMs)
            {
                level = Math.Min(level, 2);
            }
            else if (latency < HourMs && level == 3)
            {
                level = 4;
                if (e.Model is { HasModel: true, TracksConversion: true } && e.TriggersConfigured > 0)
                {
                    level = 5;
                    reason += ", and model scores flow back out through triggers";
                }
            }
        }
        else
        {
            reason += "; arrival delay unknown, so no more than level 3 can be confirmed";
        }
        return new(Dimension.DataIntegration, level, reason);
    }

    private static LevelSuggestion? Activation(AssessmentEvidence e)
    {
        if (e.DistinctEventNames is null)
            return null;
        if (e.ActivationGoal is null)
            return new(Dimension.Activation, 1, "pql.yaml defines no activation goal");
        if (e.ActivationRate is not { } rate)
            return new(Dimension.Activation, 2, Invariant($"goal '{e.ActivationGoal}' is defined, but no sign-up has a full window of history to measure it"));
        var reason = Invariant($"{rate * 100:0.#}% of {e.ActivationCohort} sign-ups activated");
        if (e.MedianHoursToActivation is { } hours)
            reason += Invariant($", median time to activation {FormatDuration(hours * HourMs)}");
        var level = rate > 0.5 && e.MedianHoursToActivation < 1 ? 5 : rate > 0.3 ? 4 : 3;
        return new(Dimension.Activation, level, reason);
    }

    private static LevelSuggestion? Campaigns(AssessmentEvidence e)
    {
        if (e.TriggersConfigured is not { } triggers)
            return null;
        var level = triggers == 0 ? 1 : triggers < TriggersForFlows ? 2 : 3;
        var reason = Invariant($"{triggers} trigger(s) and {e.PlaybooksConfigured ?? 0} playbook(s) configured");
        if (level == 3)
            reason += "; personalisation beyond that does not show in the config";
        return new(Dimension.UsageCampaigns, level, reason);
    }

    private static LevelSuggestion? Pql(AssessmentEvidence e)
    {
        if (e.Model is not { } m)
            return null;
        if (!m.HasModel)
            return new(Dimension.ProductQualifiedLeads, 1, "no trained PQL model in the workspace state");
        if (!m.TracksConversion)
            return new(Dimension.ProductQualifiedLeads, 2, "a model exists, but no stored scores can be followed to conversions yet");
        var reason = "a model scores leads and its conversions are tracked";
        if (m.Lift is { } lift)
            reason += Invariant($"; top-tier lift {lift:0.0}x after scoring");
        else if (m.HeldOutLift is { } heldOut)
            reason += Invariant($"; held-out top-decile lift {heldOut:0.0}x");
        if (m.HighTierConversionShare is { } share)
            reason += Invariant($"; {share * 100:0.#}% of conversions came from high tiers");
        var routed = e.TiersConfigured == true && e.TriggersConfigured > 0;
        if (!routed || m.BestLift is not >= ManagedModelLift)
            return new(Dimension.ProductQualifiedLeads, 3, reason);
        return new(Dimension.ProductQualifiedLeads, m.HighTierConversionShare >= 0.5 ? 5 : 4, reason + "; tiers are routed by triggers");
    }

    /// <summary>A duration as the largest sensible unit: "850 ms", "42 s", "3.5 h", "2.0 days".</summary>
    public static string FormatDuration(double ms) => ms switch
    {
        < 1000 => Invariant($"{ms:0} ms"),
        < 60_000 => Invariant($"{ms / 1000:0.#} s"),
        < HourMs => Invariant($"{ms / 60_000:0.#} min"),
        < DayMs => Invariant($"{ms / HourMs:0.#} h"),
        _ => Invariant($"{ms / DayMs:0.#} days"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
