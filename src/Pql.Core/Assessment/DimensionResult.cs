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
