using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>First achievement time per entity for event, count (all/any) and attribute goals.</summary>
internal static class AchievementTimes
{
    public static long[] Compute(EventStore store, GoalDefinition goal)
    {
        var n = goal.Entity == EntityKind.Account ? store.AccountCount : store.UserCount;
        var result = new long[n];
        switch (goal.Condition)
        {
            case AttributeCondition attr:
                FromAttribute(store, goal, attr, result);
                break;
            case EventCondition ev:
            {
                var match = new EventMatcher(store, ev.Event, ev.Where);
                Parallel.For(0, n, e =>
                {
                    var events = new EntityEvents(store, goal.Entity, e);
                    var at = GoalLabeler.Never;
                    for (var i = 0; i < events.Count; i++)
                    {
                        if (match.Matches(events[i]))
                        {
                            at = store.EventTime[events[i]];
                            break;
                        }
                    }
                    result[e] = at;
                });
                break;
            }
            case CountCondition count:
            {
                var matchers = count.Terms.Select(t => new EventMatcher(store, t.Event, t.Where)).ToArray();
                var need = count.Terms.Select(t => t.AtLeast).ToArray();
                Parallel.For(0, n, () => new int[need.Length], (e, _, counts) =>
                {
                    Array.Clear(counts);
                    var events = new EntityEvents(store, goal.Entity, e);
                    var at = GoalLabeler.Never;
                    for (var i = 0; i < events.Count && at == GoalLabeler.Never; i++)
                    {
                        var changed = false;
                        for (var k = 0; k < matchers.Length; k++)
                        {
                            if (matchers[k].Matches(events[i]))
                            {
                                counts[k]++;
                                changed = true;
                            }
                        }
                        if (changed && Satisfied(counts, need, count.RequireAll))
                            at = store.EventTime[events[i]];
                    }
                    result[e] = at;
                    return counts;
                }, _ => { });
                break;
            }
            default:
                throw new InvalidOperationException($"goal '{goal.Name}' has no achievement time");
        }
        return result;
    }

    /// <summary>
    /// Every time each entity matches an event condition, for recurring goals: entity e's times are
    /// Times[Offsets[e]..Offsets[e+1]], ascending.
    /// </summary>
    public static (int[] Offsets, long[] Times) All(EventStore store, EntityKind entity, EventCondition condition)
    {
        var n = entity == EntityKind.Account ? store.AccountCount : store.UserCount;
        var match = new EventMatcher(store, condition.Event, condition.Where);
        var offsets = new int[n + 1];
        Parallel.For(0, n, e =>
        {
            var events = new EntityEvents(store, entity, e);
            var count = 0;
            for (var i = 0; i < events.Count; i++)
            {
                if (match.Matches(events[i]))
                    count++;
            }
            offsets[e + 1] = count;
        });
        for (var e = 0; e < n; e++)
            offsets[e + 1] += offsets[e];
        var times = new long[offsets[n]];
        Parallel.For(0, n, e =>
        {
            var events = new EntityEvents(store, entity, e);
            var next = offsets[e];
            for (var i = 0; i < events.Count; i++)
            {
                if (match.Matches(events[i]))
                    times[next++] = store.EventTime[events[i]];
            }
        });
        return (offsets, times);
    }

    private static bool Satisfied(int[] counts, int[] need, bool all)
    {
        for (var k = 0; k < counts.Length; k++)
        {
            var ok = counts[k] >= need[k];
            if (all && !ok) return false;
            if (!all && ok) return true;
        }
        return all;
    }

    private static void FromAttribute(EventStore store, GoalDefinition goal, AttributeCondition attr, long[] result)
    {
        var column = goal.Entity == EntityKind.Account ? store.AccountAttribute(attr.Column) : store.UserAttribute(attr.Column);
        if (column is null)
            throw new PqlInputException($"goal '{goal.Name}': attribute '{attr.Column}' is not a column of the {goal.Entity.ToString().ToLowerInvariant()}s file");
        if (column.Kind != AttributeKind.Timestamp)
            throw new PqlInputException($"goal '{goal.Name}': attribute '{attr.Column}' must hold ISO 8601 timestamps (it was read as {column.Kind.ToString().ToLowerInvariant()})");
        for (var e = 0; e < result.Length; e++)
            result[e] = column.Times[e] == AttributeColumn.MissingTime ? GoalLabeler.Never : column.Times[e];
    }
}
