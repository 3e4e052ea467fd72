namespace Pql.Core.Assessment;

/// <summary>How an overall score stands against a segment's figures.</summary>
public enum BenchmarkStanding
{
    /// <summary>Below the segment's alarm line.</summary>
    Alarm,

    /// <summary>At or above the alarm line, below the expected average.</summary>
    BelowExpected,

    /// <summary>At or above the expected average, below the good mark.</summary>
    OnPar,

    /// <summary>At or above the good mark.</summary>
    Good,
}
