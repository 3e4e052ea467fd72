using Pql.Core.Events;

namespace Pql.Core.Features;

/// <summary>
/// The derived values of the analyst families (cadence, automation, champion, size interactions, invites, reconnects), written once
/// for the in-memory evaluator and the SQL backends: the backends return integers (counts, first and last times, the active days with
/// each day's last event time, per-week and per-user counts) and these turn them into the same floats.
/// </summary>
internal static partial class FeatureFormulas
{
    /// <summary>Whether a day (number since 1970-01-01) is one of the last <paramref name="monthEndDays"/> days of its calendar month.</summary>
    public static bool IsMonthEnd(long day, int monthEndDays)
    {
        var date = DateOnly.FromDayNumber((int)(day + 719162)); // day 0 is 1970-01-01, DateOnly.DayNumber 719162
        return date.Day > DateTime.DaysInMonth(date.Year, date.Month) - monthEndDays;
    }

    /// <summary>Part over whole (NaN when the whole is empty).</summary>
    public static double Share(double part, long whole) => whole == 0 ? double.NaN : part / whole;

    /// <summary>Coefficient of variation (standard deviation over mean) of counts (NaN when all are zero).</summary>
    public static double Variation(ReadOnlySpan<int> values)
    {
        double sum = 0, squares = 0;
        foreach (var v in values)
        {
            sum += v;
            squares += (double)v * v;
        }
        if (sum == 0)
            return double.NaN;
        var mean = sum / values.Length;
        return Math.Sqrt(Math.Max(0, squares / values.Length - mean * mean)) / mean;
    }

    /// <summary>Share of the last <paramref name="weeks"/> weeks (week masks, 0 = the cutoff's) with any event.</summary>
    public static double RecentActiveWeekShare(ReadOnlySpan<ulong> masks, int kMax, int weeks)
    {
        var n = 0;
        for (var k = 0; k < weeks && k <= kMax; k++)
        {
            if ((masks[k] & FeaturePlan.AnyBit) != 0)
                n++;
        }
        return (double)n / weeks;
    }

    /// <summary>Users of the account created after the first invite, by the cutoff (0 when no invite was sent).</summary>
    public static int InvitesAccepted(EventStore store, ReadOnlySpan<int> users, long firstInvite, long cutoff) =>
        firstInvite == None ? 0 : UsersCreated(store, users, firstInvite, cutoff);

    /// <summary>Invites sent minus users who joined after the first one, at least 0.</summary>
    public static double InvitesOutstanding(int invites, int accepted) => Math.Max(0, invites - accepted);

    /// <summary>Users who joined after the first invite over invites sent (NaN when none was sent).</summary>
    public static double InviteAcceptance(int invites, int accepted) => invites == 0 ? double.NaN : (double)accepted / invites;

    /// <summary>Machine events over all events (NaN when none).</summary>
    public static double MachineShare(int machine, int human) => Share(machine, (long)machine + human);

    /// <summary>A behaviour per unit of the account's size attribute (NaN when the attribute is missing or not positive).</summary>
    public static double PerUnit(double value, AttributeColumn? size, int account)
    {
        var units = size is { Kind: AttributeKind.Numeric } a ? a.Numbers[account] : double.NaN;
        return units > 0 ? value / units : double.NaN;
    }
}

/// <summary>
/// The gaps between consecutive active days, fed the distinct active days in ascending order: the in-memory evaluator as it scans,
/// the SQL backends from the per-day query. Integer sums (and squares exact in a double below 2^53), so both agree exactly.
/// </summary>
internal struct DayGaps
{
    private long _previous;
    private int _count;
    private long _sum;
    private double _sumSquares;
    private long _max;
    private bool _any;

    /// <summary>The latest active day added (<see cref="FeatureFormulas.None"/> before the first).</summary>
    public readonly long LastDay => _any ? _previous : FeatureFormulas.None;

    /// <summary>Adds an active day later than every day added so far.</summary>
    public void Add(long day)
    {
        if (_any)
        {
            var gap = day - _previous;
            _count++;
            _sum += gap;
            _sumSquares += (double)gap * gap;
            _max = Math.Max(_max, gap);
        }
        _previous = day;
        _any = true;
    }

    public void Reset() => this = default;

    public readonly double MeanGap => _count == 0 ? double.NaN : (double)_sum / _count;

    public readonly double Variation
    {
        get
        {
            var mean = MeanGap;
            return _count == 0 ? double.NaN : Math.Sqrt(Math.Max(0, _sumSquares / _count - mean * mean)) / mean;
        }
    }

    public readonly double LongestGap => _count == 0 ? double.NaN : _max;

    /// <summary>Days since the last active day over the mean gap (NaN with fewer than two active days).</summary>
    public readonly double Overdue(long cutoff) => _count == 0 ? double.NaN : (FeatureFormulas.FloorDay(cutoff) - _previous) / MeanGap;
}
