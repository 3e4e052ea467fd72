namespace Pql.Core.Features;

/// <summary>
/// One feature as data: what it reads and how it aggregates. The in-memory evaluator
/// (<see cref="FeatureEngine"/>) interprets these; a SQL generator can read the same definitions.
/// All windows end at the cutoff T and include it: a 30-day window is (T - 30d, T].
/// </summary>
public sealed record FeatureDefinition
{
    /// <summary><c>family.name</c>, lowercase snake_case.</summary>
    public required string Name { get; init; }
    public required FeatureFamilies Family { get; init; }
    public required Aggregation Aggregation { get; init; }
    public EntityLevel Level { get; init; } = EntityLevel.Both;
    /// <summary>Window length in days ending at the cutoff; 0 = all history up to the cutoff.</summary>
    public int WindowDays { get; init; }
    /// <summary>Second window for <see cref="Aggregation.RateRatio"/>.</summary>
    public int BaselineDays { get; init; }
    public EventFilter Filter { get; init; } = EventFilter.All;
    /// <summary>A position, a number of weeks or a minimum product count, per aggregation.</summary>
    public int Parameter { get; init; }
    public string? ProductA { get; init; }
    public string? ProductB { get; init; }
    /// <summary>Property key (DistinctValues, CountOfValue) or attribute name (AttributeValue).</summary>
    public string? Key { get; init; }
    /// <summary>Property value for CountOfValue; for AttributeValue, "account" or "user" (whose attribute).</summary>
    public string? Value { get; init; }
    public FeatureKind Kind { get; init; } = FeatureKind.Numeric;
    /// <summary>Category names by code, for categorical features.</summary>
    public IReadOnlyList<string> Levels { get; init; } = [];
    public required string Description { get; init; }

    public string FamilyName => FeatureFamilyNames.Of(Family);
}
