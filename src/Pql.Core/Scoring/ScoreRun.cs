namespace Pql.Core.Scoring;

/// <summary>One scoring run of a goal: which model scored which entities as of when. Stored for history, diffs and triggers.</summary>
public sealed record ScoreRun(
    string RunId,
    string Goal,
    string ModelVersion,
    string ModelKind,
    long AsOfMs,
    long CreatedMs,
    IReadOnlyList<EntityScore> Rows);
