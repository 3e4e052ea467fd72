using System.Collections.Immutable;
using Pql.Core.Assessment;

namespace Pql.Core.Tests.Assessment;

/// <summary>Builders for values a test does not care about.</summary>
internal static class AssessmentSamples
{
    public static AssessmentAnswers Answers(int dataIntegration = 3, int activation = 3, int campaigns = 3, int pql = 3, int feedback = 3,
        Segment segment = Segment.PurePlg) =>
        new(Segments.Of(segment), ImmutableArray.Create(dataIntegration, activation, campaigns, pql, feedback));

    public static AssessmentAnswers Uniform(int level, Segment segment = Segment.PurePlg) =>
        Answers(level, level, level, level, level, segment);

    /// <summary>Evidence of a healthy workspace: nothing in it raises a red flag.</summary>
    public static AssessmentEvidence HealthyEvidence() => new()
    {
        ActivationGoal = "activation",
        ActivationWindowHours = 336,
        ActivationCohort = 100,
        ActivatedCount = 40,
        ActivationRate = 0.4,
        MedianHoursToActivation = 6,
        EventCount = 10_000,
        DistinctEventNames = 12,
        ProductsTracked = 2,
        TriggersConfigured = 5,
        PlaybooksConfigured = 2,
        TiersConfigured = true,
    };
}
