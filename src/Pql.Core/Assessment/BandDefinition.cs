namespace Pql.Core.Assessment;

/// <summary>
/// One band of overall scores: inclusive bounds on the score rounded to one decimal, and the step
/// the rubric recommends next for a team in it.
/// </summary>
public sealed record BandDefinition(Band Band, string Key, string Title, decimal Min, decimal Max, string NextStep);
