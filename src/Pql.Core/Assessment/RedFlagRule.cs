namespace Pql.Core.Assessment;

/// <summary>
/// One red flag of the rubric: the dimension it belongs to, where it is read from, the condition in words,
/// and the check that raises it (returning the message to show, or null when the condition does not hold).
/// </summary>
public sealed class RedFlagRule(
    string id,
    Dimension dimension,
    RedFlagSource source,
    string condition,
    Func<AssessmentAnswers, AssessmentEvidence?, string?> check)
{
    public string Id { get; } = id;
    public Dimension Dimension { get; } = dimension;
    public RedFlagSource Source { get; } = source;
    /// <summary>The condition in words, for documentation and reports.</summary>
    public string Condition { get; } = condition;

    /// <summary>The message when the flag is raised, or null.</summary>
    public string? Check(AssessmentAnswers answers, AssessmentEvidence? evidence) => check(answers, evidence);
}
