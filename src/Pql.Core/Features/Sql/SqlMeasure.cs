namespace Pql.Core.Features.Sql;

/// <summary>An integer aggregate a backend computes per (entity, cutoff); features are derived from these in C#.</summary>
internal enum MeasureKind
{
    /// <summary>Matching events in the window.</summary>
    Count,
    /// <summary>Distinct UTC days with a matching event in the window.</summary>
    ActiveDays,
    /// <summary>Distinct users with a matching event in the window.</summary>
    ActiveUsers,
    /// <summary>Earliest matching event time (ms) up to the cutoff.</summary>
    FirstTime,
    /// <summary>Latest matching event time (ms) up to the cutoff.</summary>
    LastTime,
    /// <summary>Latest UTC day number with a matching event up to the cutoff.</summary>
    LastDay,
    /// <summary>Events in the 7-day period <see cref="SqlMeasure.Week"/> periods before the one ending at the cutoff.</summary>
    WeekCount,
    /// <summary>Distinct identities among matching events: the tracked property's value, else the event name.</summary>
    DistinctValues,
}

/// <summary>
/// One integer aggregate: what it counts, over which events (a filter, already resolved to event names and a product), in which
/// window (days ending at the cutoff; 0 = all history). Min/max measures carry a <see cref="MeasureKind.Count"/> companion that says
/// whether any event matched, because engines disagree on the value of an empty min (NULL, or 0 in ClickHouse).
/// </summary>
internal readonly record struct SqlMeasure(MeasureKind Kind, string Filter, int WindowDays, int Week = 0);
