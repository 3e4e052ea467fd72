using System.Collections.Immutable;

namespace Pql.Core.Assessment;

/// <summary>Scores a self-assessment against the rubric, the segment's benchmark and (optionally) the workspace's evidence.</summary>
public static class AssessmentScorer
{
    /// <summary>How many of the weakest dimensions get their own next step.</summary>
    public const int WeakestShown = 2;

    public static AssessmentReport Score(AssessmentAnswers answers, AssessmentEvidence? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var suggestions = evidence is null ? [] : LevelSuggester.Suggest(evidence);
        var dimensions = ImmutableArray.CreateBuilder<DimensionResult>(Rubric.Dimensions.Length);
        var sum = 0;
        foreach (var d in Rubric.Dimensions)
        {
            var level = answers.Level(d.Dimension);
            sum += level;
            dimensions.Add(new DimensionResult(d, level, suggestions.FirstOrDefault(s => s.Dimension == d.Dimension)));
        }
        var mean = sum / (double)Rubric.Dimensions.Length;
        var results = dimensions.MoveToImmutable();
        var band = Bands.Classify(mean);
        return new AssessmentReport
        {
            Segment = answers.Segment,
            Dimensions = results,
            Mean = mean,
            Score = Bands.Round(mean),
            Band = band,
            Standing = answers.Segment.Compare(mean),
            RedFlags = RedFlags.Raise(answers, evidence),
            NextSteps = NextSteps(band, results),
            Evidence = evidence,
        };
    }

    /// <summary>
    /// The band's recommended step, then the next level up for the weakest dimensions (lowest level first,
    /// ties in question order), then a check for every dimension where the data disagrees with the answer.
    /// </summary>
    private static ImmutableArray<string> NextSteps(BandDefinition band, ImmutableArray<DimensionResult> results)
    {
        var steps = ImmutableArray.CreateBuilder<string>();
        steps.Add(band.NextStep);
        var weakest = results.Where(r => r.Level < Rubric.MaxLevel)
            .OrderBy(r => r.Level)
            .ThenBy(r => (int)r.Rubric.Dimension)
            .Take(WeakestShown);
        foreach (var r in weakest)
        {
            var next = r.Level + 1;
            steps.Add($"{r.Rubric.Title}: aim for level {next} ({Rubric.LevelName(next)}). {r.Rubric.Describe(next)}");
        }
        foreach (var r in results)
        {
            if (r.Disagrees)
                steps.Add($"{r.Rubric.Title}: reconcile the answer (level {r.Level}) with the data (level {r.Suggestion!.Level}) before relying on it.");
        }
        return steps.ToImmutable();
    }
}
