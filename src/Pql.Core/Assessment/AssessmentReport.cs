using System.Collections.Immutable;

namespace Pql.Core.Assessment;

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
