namespace Pql.Core.Scoring;

/// <summary>An entity's score in one run, its tier, the drivers that explain it and the attributes routing reads (owner, segment, ...).</summary>
public sealed record EntityScore(
    string EntityId,
    double Score,
    string Tier,
    IReadOnlyList<Driver> Drivers,
    IReadOnlyDictionary<string, string> Attributes);
