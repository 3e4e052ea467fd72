namespace Pql.Core.Assessment;

/// <summary>The go-to-market model a team compares itself with.</summary>
public enum Segment
{
    PurePlg,
    PlgWithSalesAssist,
    SalesLedWithFreemium,
    DeveloperTools,
}

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

/// <summary>
/// A segment's benchmark: the average score expected of teams in it, the score of a good team, and the
/// alarm line under which the motion is at risk. Scores are compared after rounding to one decimal.
/// </summary>
public sealed record SegmentBenchmark(Segment Segment, string Key, string Title, decimal Expected, decimal Good, decimal Alarm)
{
    public BenchmarkStanding Compare(double score)
    {
        var rounded = Bands.Round(score);
        if (rounded < Alarm)
            return BenchmarkStanding.Alarm;
        if (rounded < Expected)
            return BenchmarkStanding.BelowExpected;
        return rounded < Good ? BenchmarkStanding.OnPar : BenchmarkStanding.Good;
    }
}
