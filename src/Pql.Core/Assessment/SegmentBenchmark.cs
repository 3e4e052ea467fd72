namespace Pql.Core.Assessment;

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
