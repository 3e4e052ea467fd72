namespace Pql.Core.Scoring;

/// <summary>
/// A feature's value for an entity and its contribution to the entity's score (in probability points when scored by
/// <c>pql score</c>), with the category's name for categorical features and a sentence a rep can read.
/// </summary>
public sealed record Driver(string Feature, double Value, double Contribution)
{
    /// <summary>The category name when the feature is categorical (Value is then its code).</summary>
    public string? ValueName { get; init; }

    /// <summary>One plain sentence: what the feature is, its value, and how many points it adds or takes.</summary>
    public string? Text { get; init; }
}
