using System.Collections.Immutable;

namespace Pql.Core.Assessment;

/// <summary>One dimension's result: the self-assessed level and, when the data speaks to it, the suggested level.</summary>
public sealed record DimensionResult(DimensionRubric Rubric, int Level, LevelSuggestion? Suggestion)
{
    public string LevelName => Assessment.Rubric.LevelName(Level);

    public string Description => Rubric.Describe(Level);

    /// <summary>The self-assessment and the data differ by more than one level.</summary>
    public bool Disagrees => Suggestion is { } s && Math.Abs(s.Level - Level) > 1;

    /// <summary>A warning to show when <see cref="Disagrees"/>, else null.</summary>
    public string? Warning => Disagrees
        ? $"Self-assessed at level {Level}, but the data supports level {Suggestion!.Level}: {Suggestion.Reason}."
        : null;
}

/// <summary>The outcome of an assessment, ready to render as text, Markdown or JSON.</summary>
public sealed record AssessmentReport
{
    public required SegmentBenchmark Segment { get; init; }
    public required ImmutableArray<DimensionResult> Dimensions { get; init; }
    /// <summary>Mean of the five levels, unrounded.</summary>
    public required double Mean { get; init; }
    /// <summary>The mean rounded to one decimal: the figure the band and the benchmark are read on.</summary>
    public required decimal Score { get; init; }
    public required BandDefinition Band { get; init; }
    public required BenchmarkStanding Standing { get; init; }
    public required ImmutableArray<RaisedFlag> RedFlags { get; init; }
    public required ImmutableArray<string> NextSteps { get; init; }
    /// <summary>What the workspace's data showed, or null when no workspace was given.</summary>
    public AssessmentEvidence? Evidence { get; init; }

    public DimensionResult this[Dimension dimension] => Dimensions[(int)dimension];
}
