using System.Globalization;
using System.Text;

namespace Pql.Core.Features.Sql;

/// <summary>
/// The events folded, before they meet the cutoffs, into one row per group that every condition of the feature queries treats alike:
/// same entity, user, event, product, property value, UTC day and side of every cutoff's time of day. Each row carries <c>n</c> (its
/// events), <c>t0</c> (the first one's time) and <c>t</c> (the last one's), so a count sums <c>n</c>, a first time takes <c>t0</c>,
/// and every window, week and "up to the cutoff" test reads <c>t</c> with the answer it gives for each event of the group.
/// Why that holds: every boundary the queries compare a time with is a cutoff minus whole days (windows, 7-day weeks, the cutoff
/// itself), so inside one UTC day it falls at the cutoff's time of day, and the group key says on which side of each such time an
/// event is. On the scale bench's 1M-event world this leaves 378K rows for the join with the cutoffs instead of 1.0M.
/// </summary>
internal static class CondensedEvents
{
    /// <summary>
    /// The times of day (ms after UTC midnight) at which some cutoff's boundaries cut a day: each cutoff's, except the last millisecond
    /// of the day (a cutoff at 23:59:59.999, as training cutoffs are, cuts no day).
    /// </summary>
    public static long[] Splits(ReadOnlySpan<long> cutoffs)
    {
        var splits = new SortedSet<long>();
        foreach (var c in cutoffs)
        {
            var offset = ((c % FeaturePlan.DayMs) + FeaturePlan.DayMs) % FeaturePlan.DayMs;
            if (offset != FeaturePlan.DayMs - 1)
                splits.Add(offset);
        }
        return [.. splits];
    }

    /// <summary>
    /// The GROUP BY keys of time column <paramref name="t"/> (DuckDB): its UTC day, and how many <paramref name="splits"/> its time of
    /// day is past (left out when there are none).
    /// </summary>
    public static string TimeKeys(string t, long[] splits)
    {
        var day = $"{t} // {Number(FeaturePlan.DayMs)}";
        if (splits.Length == 0)
            return day;
        var side = new StringBuilder();
        foreach (var s in splits)
            side.Append(side.Length == 0 ? "" : " + ").Append($"CASE WHEN {t} - ({day}) * {Number(FeaturePlan.DayMs)} > {Number(s)} THEN 1 ELSE 0 END");
        return $"{day}, {side}";
    }

    /// <summary>A text events relation (entity_id, user_id, event, product, t, prop) condensed: the same columns plus n and t0.</summary>
    public static string Over(string events, long[] splits) => $"""
        SELECT entity_id, user_id, event, product, prop, count(*) AS n, min(t) AS t0, max(t) AS t
        FROM (
        {events}
        ) ev
        GROUP BY entity_id, user_id, event, product, prop, {TimeKeys("t", splits)}
        """;

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
