namespace Pql.Core.State;

/// <summary>A trained model registered for a goal: where its artifact lives and how it validated.</summary>
public sealed record ModelRecord(string Goal, string Version, string Kind, string ArtifactPath, string MetricsJson, long CreatedMs);
