namespace Pql.Core.State;

/// <summary>A stored run without its rows, for listings and for picking diff endpoints.</summary>
public sealed record RunSummary(long Sequence, string RunId, string Goal, string ModelVersion, string ModelKind, long AsOfMs, long CreatedMs, int RowCount);
