namespace Pql.Core.Assessment;

/// <summary>Whether a red flag comes from the self-assessment or from the workspace's data.</summary>
public enum RedFlagSource
{
    Answers,
    Evidence,
}
