using System.Collections.Immutable;
using System.Globalization;

namespace Pql.Core.Assessment;

/// <summary>The rubric's red flags per dimension, read from the answers (level 1) and from measured evidence.</summary>
public static class RedFlags
{
    /// <summary>Activation under this share of sign-ups is a red flag.</summary>
    public const double LowActivationRate = 0.15;
    /// <summary>Fewer distinct tracked events than this leaves marketing nearly blind.</summary>
    public const int ThinTrackingEvents = 3;

    public static ImmutableArray<RedFlagRule> Rules { get; } =
    [
        Answer("usage_invisible", Dimension.DataIntegration,
            "Marketing and sales cannot see how anyone uses the product."),
        Evidence("usage_arrives_late", Dimension.DataIntegration, "median event arrival delay of 24 hours or more",
            e => e.LatencyMedianMs >= LevelSuggester.DayMs
                ? Text($"Events reach the engine {LevelSuggester.FormatDuration(e.LatencyMedianMs.Value)} after they happen (median), too late to act on.")
                : null),
        Evidence("thin_tracking", Dimension.DataIntegration, Text($"fewer than {ThinTrackingEvents} distinct event names in the data"),
            e => e.DistinctEventNames < ThinTrackingEvents
                ? Text($"Only {e.DistinctEventNames} distinct event name(s) are tracked, too few to tell engaged users from idle ones.")
                : null),

        Answer("no_activation_metric", Dimension.Activation,
            "There is no activation metric, so nobody can tell whether onboarding works."),
        Evidence("no_activation_goal", Dimension.Activation, "pql.yaml defines no activation goal",
            e => e.ActivationGoal is null && e.DistinctEventNames is not null
                ? "pql.yaml defines no activation goal, so activation is not measured."
                : null),
        Evidence("low_activation", Dimension.Activation, Text($"activation rate under {LowActivationRate * 100:0}%"),
            e => e.ActivationRate < LowActivationRate
                ? Text($"Only {e.ActivationRate * 100:0.#}% of sign-ups activate within {LevelSuggester.FormatDuration(e.ActivationWindowHours.GetValueOrDefault() * LevelSuggester.HourMs)}.")
                : null),

        Answer("no_behavioural_triggers", Dimension.UsageCampaigns,
            "No message reacts to what people do in the product."),
        Evidence("no_triggers_configured", Dimension.UsageCampaigns, "zero triggers in pql.yaml",
            e => e.TriggersConfigured == 0 ? "pql.yaml configures no trigger, so no score change leads to an action." : null),

        Answer("free_users_hidden", Dimension.ProductQualifiedLeads,
            "Free and trial users never reach sales, however engaged they are."),
        Evidence("no_pql_model", Dimension.ProductQualifiedLeads, "no trained PQL model in the state store",
            e => e.Model is { HasModel: false } ? "No PQL model has been trained, so engaged free accounts are not surfaced." : null),
        Evidence("model_without_lift", Dimension.ProductQualifiedLeads, "the PQL model's lift is 1.0 or less",
            e => e.Model?.BestLift <= 1.0
                ? Text($"The PQL model's top leads convert at {e.Model.BestLift:0.00}x the base rate: no better than picking at random.")
                : null),

        Answer("teams_never_meet", Dimension.FeedbackLoop,
            "Product and marketing do not meet, so neither learns from the other."),
    ];

    /// <summary>Every flag whose condition holds, in rule order.</summary>
    public static ImmutableArray<RaisedFlag> Raise(AssessmentAnswers answers, AssessmentEvidence? evidence)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var raised = ImmutableArray.CreateBuilder<RaisedFlag>();
        foreach (var rule in Rules)
        {
            if (rule.Check(answers, evidence) is { } message)
                raised.Add(new RaisedFlag(rule.Id, rule.Dimension, rule.Source, message));
        }
        return raised.ToImmutable();
    }

    private static RedFlagRule Answer(string id, Dimension dimension, string message) =>
        new(id, dimension, RedFlagSource.Answers, Text($"{Rubric.Of(dimension).Key} answered at level 1"),
            (a, _) => a.Level(dimension) == Rubric.MinLevel ? message : null);

    private static RedFlagRule Evidence(string id, Dimension dimension, string condition, Func<AssessmentEvidence, string?> check) =>
        new(id, dimension, RedFlagSource.Evidence, condition, (_, e) => e is null ? null : check(e));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
