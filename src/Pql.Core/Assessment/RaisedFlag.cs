namespace Pql.Core.Assessment;

/// <summary>A red flag raised by an assessment.</summary>
public sealed record RaisedFlag(string Id, Dimension Dimension, RedFlagSource Source, string Message);
