using System.Collections.Immutable;

namespace Pql.Core.Assessment;

/// <summary>A completed self-assessment: the segment and one level (1-5) per dimension, indexed by <see cref="Dimension"/>.</summary>
public sealed record AssessmentAnswers
{
    public AssessmentAnswers(SegmentBenchmark segment, ImmutableArray<int> levels)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (levels.IsDefault || levels.Length != Rubric.Dimensions.Length)
            throw new ArgumentException($"expected {Rubric.Dimensions.Length} levels, one per dimension", nameof(levels));
        foreach (var level in levels)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(level, Rubric.MinLevel, nameof(levels));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(level, Rubric.MaxLevel, nameof(levels));
        }
        Segment = segment;
        Levels = levels;
    }

    public SegmentBenchmark Segment { get; }

    /// <summary>Level per dimension; <c>Levels[(int)d]</c> is dimension d's level.</summary>
    public ImmutableArray<int> Levels { get; }

    public int Level(Dimension dimension) => Levels[(int)dimension];
}
