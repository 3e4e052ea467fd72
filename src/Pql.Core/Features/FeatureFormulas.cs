namespace Pql.Core.Features;

/// <summary>
/// The derived values computed from integer aggregates (counts, timestamps, weekly counts). The in-memory evaluator and the SQL
/// backends both call these, so a feature computed where the events live equals the in-memory one exactly.
/// </summary>
internal static partial class FeatureFormulas
{
    /// <summary>No timestamp: the aggregate saw no matching event.</summary>
    public const long None = long.MinValue;

    public static long FloorDay(long t) => t >= 0 ? t / FeaturePlan.DayMs : (t - FeaturePlan.DayMs + 1) / FeaturePlan.DayMs;

    /// <summary>Days from <paramref name="from"/> to <paramref name="to"/> (NaN when <paramref name="from"/> is <see cref="None"/>).</summary>
    public static double Days(long from, long to) => from == None ? double.NaN : (double)(to - from) / FeaturePlan.DayMs;

    /// <summary>Whole UTC days from the last active day to the cutoff's day (NaN when there is none).</summary>
    public static double DaysSinceLastActiveDay(long lastDay, long cutoff) => lastDay == None ? double.NaN : FloorDay(cutoff) - lastDay;

    /// <summary>Daily rate in the window over the daily rate in the baseline (NaN when the baseline is empty).</summary>
    public static double RateRatio(int windowCount, double windowDays, int baselineCount, double baselineDays)
    {
        var baseline = baselineCount / baselineDays;
        return baseline == 0 ? double.NaN : windowCount / windowDays / baseline;
    }

    /// <summary>
    /// Least-squares slope of weekly counts; <paramref name="weekCount"/>[k] counts the week k weeks before the one ending at the cutoff.
    /// x = -k, so a rising count gives a positive slope.
    /// </summary>
    public static double Slope(ReadOnlySpan<int> weekCount, int weeks)
    {
        double mx = -(weeks - 1) / 2.0, my = 0;
        for (var k = 0; k < weeks; k++)
            my += weekCount[k];
        my /= weeks;
        double sxy = 0, sxx = 0;
        for (var k = 0; k < weeks; k++)
        {
            var dx = -k - mx;
            sxy += dx * (weekCount[k] - my);
            sxx += dx * dx;
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }
}
