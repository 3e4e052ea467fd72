namespace Pql.Core.Assessment;

/// <summary>Where an overall score falls, from weakest to strongest.</summary>
public enum Band
{
    Critical,
    Developing,
    Competent,
    Advanced,
    BestInClass,
}
