namespace Pql.Core.Scoring;

/// <summary>A feature's value for an entity and its contribution to the entity's score.</summary>
public sealed record Driver(string Feature, double Value, double Contribution);
