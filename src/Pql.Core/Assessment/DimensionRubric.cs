using System.Collections.Immutable;

namespace Pql.Core.Assessment;

/// <summary>
/// One dimension of the rubric: its key in answers files and JSON, its title, the question asked,
/// and what each level 1-5 looks like in practice (index 0 describes level 1).
/// </summary>
public sealed record DimensionRubric(Dimension Dimension, string Key, string Title, string Question, ImmutableArray<string> Levels)
{
    /// <summary>What the given level (1-5) looks like for this dimension.</summary>
    public string Describe(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, Rubric.MinLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, Rubric.MaxLevel);
        return Levels[level - 1];
    }
}
