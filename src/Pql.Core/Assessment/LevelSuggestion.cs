namespace Pql.Core.Assessment;

/// <summary>The level the workspace's data supports for one dimension, and why.</summary>
public sealed record LevelSuggestion(Dimension Dimension, int Level, string Reason);
