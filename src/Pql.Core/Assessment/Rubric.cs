using System.Collections.Immutable;

namespace Pql.Core.Assessment;

/// <summary>The maturity rubric as data: five dimensions, each with five described levels.</summary>
public static class Rubric
{
    public const int MinLevel = 1;
    public const int MaxLevel = 5;

    /// <summary>Short names of levels 1-5 (index 0 is level 1).</summary>
    public static ImmutableArray<string> LevelNames { get; } = ["ad hoc", "emerging", "defined", "managed", "optimized"];

    /// <summary>The dimensions in question order; <c>Dimensions[(int)d]</c> is dimension d.</summary>
    public static ImmutableArray<DimensionRubric> Dimensions { get; } =
    [
        new(Dimension.DataIntegration, "data_integration", "Data integration",
            "How does product usage data reach your marketing and sales tools?",
            [
                "Usage never leaves the product; marketing and sales work without it.",
                "Sign-ups and a handful of events are copied over in batches, a day or more after they happen.",
                "Ten or more key events arrive in near real time and join one profile per user and account.",
                "Identities are resolved across tools (a CDP or equivalent) and usage lands in under an hour.",
                "Data flows both ways: product and go-to-market systems exchange predictions, not only events.",
            ]),
        new(Dimension.Activation, "activation", "Activation and onboarding",
            "How do you define and drive the activation of new sign-ups?",
            [
                "Nobody has agreed what an activated user is, so it is not measured.",
                "There is a generic onboarding flow and a loose idea of activation.",
                "Product and marketing own one activation metric together and review it every week.",
                "Onboarding is tailored to each use case and more than 30% of sign-ups activate.",
                "Onboarding adapts as people progress; over half activate, and value arrives within the first hour.",
            ]),
        new(Dimension.UsageCampaigns, "usage_campaigns", "Usage-driven campaigns",
            "How much of your lifecycle messaging is set off by what people do in the product?",
            [
                "Campaigns follow a calendar; nothing is triggered by behaviour.",
                "One to three generic triggers run, such as a welcome series or an inactivity nudge.",
                "Users are segmented by usage and five to ten behavioural flows run on those segments.",
                "Messages are personalised per user and upgrade prompts fire as accounts near their plan limits.",
                "Predictions pick the moment and the channel for each person.",
            ]),
        new(Dimension.ProductQualifiedLeads, "pql", "Product-qualified leads",
            "How do sales or success teams learn which free or trial accounts deserve attention?",
            [
                "There is no notion of a product-qualified lead; free users stay invisible to sales.",
                "Someone flags promising accounts by hand when they happen to notice them.",
                "Usage thresholds score accounts, alerts go out on their own, and conversion of flagged accounts is tracked.",
                "A model combining many signals feeds the CRM, and each score tier is routed differently.",
                "A predictive model sources half or more of the pipeline and keeps learning from outcomes.",
            ]),
        new(Dimension.FeedbackLoop, "feedback_loop", "Product-marketing feedback loop",
            "How closely do product and marketing work together?",
            [
                "The teams work apart and hardly exchange anything.",
                "Findings are passed along now and then, mostly when something breaks.",
                "Marketing takes part in launch planning and both teams watch the same growth dashboard.",
                "A joint growth team runs experiments across product and marketing towards shared goals.",
                "One growth organisation owns the whole funnel with a single profit-and-loss line.",
            ]),
    ];

    public static DimensionRubric Of(Dimension dimension) => Dimensions[(int)dimension];

    /// <summary>The level's short name, e.g. 3 -> "defined".</summary>
    public static string LevelName(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, MinLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        return LevelNames[level - 1];
    }

    /// <summary>Finds a dimension by its key (case-insensitive; '-' and '_' are the same).</summary>
    public static bool TryFind(string key, out DimensionRubric dimension)
    {
        var normal = Normalize(key);
        foreach (var d in Dimensions)
        {
            if (d.Key == normal)
            {
                dimension = d;
                return true;
            }
        }
        dimension = null!;
        return false;
    }

    internal static string Normalize(string key) => key.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
}
