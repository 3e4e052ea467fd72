using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Assessment;

/// <summary>
/// Activation measured from the store: the first time each entity achieves the activation goal, the share of a
/// fair cohort that achieves it within the goal's horizon, and the median time it took them.
/// </summary>
internal static class ActivationMeasure
{
    public const long Never = long.MinValue;

    public readonly record struct Result(int Cohort, int Activated, double? MedianMs);

    /// <summary>
    /// The cohort is every entity created while events were tracked (at or after the first event) and at least one
    /// horizon before the last event, so each had the full window to activate. An entity counts as activated when
    /// it achieved the goal within the horizon after its creation.
    /// </summary>
    public static Result Measure(EventStore store, GoalDefinition goal)
    {
        var first = FirstAchievement(store, goal);
        var created = goal.Entity == EntityKind.User ? store.UserCreatedAt : store.AccountCreatedAt;
        if (store.EventCount == 0)
            return new Result(0, 0, null);
        long start = store.MinTime, end = store.MaxTime - goal.HorizonMs;
        var cohort = 0;
        var durations = new List<long>();
        for (var e = 0; e < created.Length; e++)
        {
            var c = created[e];
            if (c < start || c > end)
                continue;
            cohort++;
            if (first[e] != Never && first[e] - c <= goal.HorizonMs)
                durations.Add(first[e] - c);
        }
        return new Result(cohort, durations.Count, Median(durations));
    }

    /// <summary>Per entity, the time it first achieved the goal, or <see cref="Never"/>.</summary>
    public static long[] FirstAchievement(EventStore store, GoalDefinition goal)
    {
        var isUser = goal.Entity == EntityKind.User;
        var created = isUser ? store.UserCreatedAt : store.AccountCreatedAt;
        var first = new long[created.Length];
        Array.Fill(first, Never);
        switch (goal.Condition)
        {
            case AttributeCondition attribute:
                var column = isUser ? store.UserAttribute(attribute.Column) : store.AccountAttribute(attribute.Column);
                if (column is { Kind: AttributeKind.Timestamp })
                {
                    for (var e = 0; e < first.Length; e++)
                        first[e] = column.Times[e] == AttributeColumn.MissingTime ? Never : column.Times[e];
                }
                return first;
            case EventCondition ev:
                Scan(store, isUser, created, first, new CountMatcher(store, [new CountTerm(ev.Event, 1, ev.Where)], requireAll: true));
                return first;
            case CountCondition count:
                Scan(store, isUser, created, first, new CountMatcher(store, count.Terms, count.RequireAll));
                return first;
            default:
                return first;
        }
    }

    private static void Scan(EventStore store, bool isUser, long[] created, long[] first, CountMatcher matcher)
    {
        var times = store.EventTime;
        var counts = new int[matcher.TermCount];
        if (isUser)
        {
            var (order, offsets) = store.UserIndex();
            for (var u = 0; u < created.Length; u++)
            {
                Array.Clear(counts);
                for (var k = offsets[u]; k < offsets[u + 1]; k++)
                {
                    var e = order[k];
                    if (times[e] >= created[u] && matcher.Count(e, counts))
                    {
                        first[u] = times[e];
                        break;
                    }
                }
            }
            return;
        }
        for (var a = 0; a < created.Length; a++)
        {
            Array.Clear(counts);
            for (var e = store.AccountOffsets[a]; e < store.AccountOffsets[a + 1]; e++)
            {
                if (times[e] >= created[a] && matcher.Count(e, counts))
                {
                    first[a] = times[e];
                    break;
                }
            }
        }
    }

    private static double? Median(List<long> values)
    {
        if (values.Count == 0)
            return null;
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + (double)values[mid]) / 2;
    }
}
