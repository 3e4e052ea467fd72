using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>
/// Eligibility and labels of one goal, point-in-time: eligibility at T reads only data at or before T; a label
/// at T reads only events in (T, T + horizon] (plus, for inactivity, the last event at or before T, which is
/// feature-side history). Achievement times of event, count and attribute goals are computed once per entity.
/// </summary>
public sealed class GoalLabeler
{
    /// <summary>Achievement time of an entity that never achieved the goal.</summary>
    public const long Never = long.MaxValue;

    private readonly EventStore _store;
    private readonly GoalDefinition _goal;
    private readonly long[] _achievedAt;
    private readonly long[] _createdAt;
    private readonly long[]? _endsAt;
    private readonly (int[] Offsets, long[] Times)? _occurrences;

    public GoalLabeler(EventStore store, GoalDefinition goal)
    {
        _store = store;
        _goal = goal;
        _createdAt = goal.Entity == EntityKind.Account ? store.AccountCreatedAt : store.UserCreatedAt;
        _achievedAt = goal.Condition is InactiveCondition ? [] : AchievementTimes.Compute(store, goal);
        if (goal.EndsWhen is { } ends)
            _endsAt = AchievementTimes.Compute(store, goal with { Condition = ends });
        if (goal.Recurring && goal.Condition is EventCondition ev)
            _occurrences = AchievementTimes.All(store, goal.Entity, ev);
    }

    public GoalDefinition Goal => _goal;

    public int EntityCount => _createdAt.Length;

    /// <summary>When the entity first achieved the goal (<see cref="Never"/> if not); not defined for inactivity goals.</summary>
    public long AchievedAt(int entity) => _achievedAt[entity];

    public bool IsEligible(int entity, long t)
    {
        if (_createdAt[entity] > t)
            return false;
        if (_endsAt is not null && _endsAt[entity] <= t)
            return false; // eligibility ended (ends_when) at or before t
        if (_occurrences is not null)
            return true; // recurring: eligible again after each achievement
        if (_goal.Condition is InactiveCondition inactive)
        {
            var last = LastEventAtOrBefore(entity, t);
            return last != long.MinValue && last > t - inactive.PeriodMs;
        }
        return _achievedAt[entity] > t;
    }

    /// <summary>1 when the goal is achieved in (t, t + horizon]. Call only for eligible entities.</summary>
    public byte Label(int entity, long t)
    {
        var end = t + _goal.HorizonMs;
        if (_occurrences is { } occ)
            return NextOccurrence(occ.Offsets, occ.Times, entity, t) <= end ? (byte)1 : (byte)0;
        if (_goal.Condition is not InactiveCondition inactive)
            return (byte)(_achievedAt[entity] > t && _achievedAt[entity] <= end ? 1 : 0);

        // Churned within the window: some event e (the last at or before t, or one inside the window)
        // is followed by a silence of the full period that ends inside the window.
        var events = new EntityEvents(_store, _goal.Entity, entity);
        var times = _store.EventTime;
        var i = UpperBound(events, t) - 1;
        for (; i >= 0 && i < events.Count; i++)
        {
            var e = times[events[i]];
            if (e + inactive.PeriodMs > end)
                return 0;
            var next = i + 1 < events.Count ? times[events[i + 1]] : long.MaxValue;
            if (next > e + inactive.PeriodMs)
                return 1;
        }
        return 0;
    }

    /// <summary>Entities eligible at t, ascending.</summary>
    public int[] EligibleAt(long t)
    {
        var list = new List<int>();
        for (var e = 0; e < _createdAt.Length; e++)
        {
            if (IsEligible(e, t))
                list.Add(e);
        }
        return [.. list];
    }

    /// <summary>Training rows: every eligible (entity, cutoff) with its label, cutoffs in the given order.</summary>
    public (int[] Entities, long[] Cutoffs, byte[] Labels) Rows(ReadOnlySpan<long> cutoffs)
    {
        var entities = new List<int>();
        var cuts = new List<long>();
        var labels = new List<byte>();
        foreach (var t in cutoffs)
        {
            foreach (var e in EligibleAt(t))
            {
                entities.Add(e);
                cuts.Add(t);
                labels.Add(Label(e, t));
            }
        }
        return ([.. entities], [.. cuts], [.. labels]);
    }

    /// <summary>The entity's first occurrence after t, or <see cref="Never"/>.</summary>
    private static long NextOccurrence(int[] offsets, long[] times, int entity, long t)
    {
        int lo = offsets[entity], hi = offsets[entity + 1];
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (times[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo < offsets[entity + 1] ? times[lo] : Never;
    }

    private long LastEventAtOrBefore(int entity, long t)
    {
        var events = new EntityEvents(_store, _goal.Entity, entity);
        var i = UpperBound(events, t) - 1;
        return i >= 0 ? _store.EventTime[events[i]] : long.MinValue;
    }

    private int UpperBound(EntityEvents events, long t)
    {
        int lo = 0, hi = events.Count;
        var times = _store.EventTime;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (times[events[mid]] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
