using System.Collections.Immutable;

namespace Pql.Core.Assessment;

/// <summary>
/// The score bands. A score is first rounded to one decimal (halves away from zero, in decimal so
/// 4.55 is exactly a half), then placed in the band whose inclusive bounds contain it:
/// 1.0-1.9 critical, 2.0-2.9 developing, 3.0-3.9 competent, 4.0-4.5 advanced, 4.6-5.0 best in class.
/// So 1.95 counts as 2.0 (developing) and 4.55 as 4.6 (best in class), while 1.94 stays critical.
/// </summary>
public static class Bands
{
    public static ImmutableArray<BandDefinition> All { get; } =
    [
        new(Band.Critical, "critical", "Critical", 1.0m, 1.9m,
            "Lay the groundwork: agree on one activation metric, send sign-ups and a few core events to marketing, and give each dimension an owner."),
        new(Band.Developing, "developing", "Developing", 2.0m, 2.9m,
            "Connect the pieces: stream the key events within hours, launch a handful of behavioural campaigns, and flag accounts on simple usage thresholds."),
        new(Band.Competent, "competent", "Competent", 3.0m, 3.9m,
            "Scale what works: replace thresholds with a multi-signal PQL model routed by tier, tailor onboarding per use case, and form a joint growth team."),
        new(Band.Advanced, "advanced", "Advanced", 4.0m, 4.5m,
            "Let predictions lead: time campaigns per person, feed sales outcomes back into the model, and measure lift against holdout groups."),
        new(Band.BestInClass, "best_in_class", "Best in class", 4.6m, 5.0m,
            "Guard the lead: retrain and audit models on a schedule, keep experiments running, and watch for drift as the product changes."),
    ];

    public static BandDefinition Of(Band band) => All[(int)band];

    /// <summary>The score rounded to one decimal, halves away from zero (the value the bands are read on).</summary>
    public static decimal Round(double score)
    {
        if (double.IsNaN(score) || score < Rubric.MinLevel - 0.05 || score >= Rubric.MaxLevel + 0.05)
            throw new ArgumentOutOfRangeException(nameof(score), score, "a maturity score lies between 1 and 5");
        return Math.Round((decimal)score, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>The band of a score between 1 and 5 (rounded to one decimal first).</summary>
    public static BandDefinition Classify(double score)
    {
        var rounded = Round(score);
        foreach (var band in All)
        {
            if (rounded >= band.Min && rounded <= band.Max)
                return band;
        }
        throw new ArgumentOutOfRangeException(nameof(score), score, "no band covers this score");
    }
}
