using System.Collections.Immutable;

namespace Pql.Core.Features;

/// <summary>Which entity a feature is defined for.</summary>
[Flags]
public enum EntityLevel
{
    Account = 1,
    User = 2,
    Both = Account | User,
}

/// <summary>
/// Which events a feature reads. Every set constraint must hold (AND): the event's kind, its product, and
/// its name being one of <see cref="Events"/>. A null constraint is not checked; an empty
/// <see cref="Events"/> list matches no event.
/// </summary>
public sealed record EventFilter
{
    public static EventFilter All { get; } = new();

    public EventKind? Kind { get; init; }
    public string? Product { get; init; }
    public ImmutableArray<string>? Events { get; init; }

    public bool Matches(string eventName, EventKind kind, string? product) =>
        (Kind is null || Kind == kind)
        && (Product is null || Product == product)
        && (Events is not { } names || names.Contains(eventName));

    /// <summary>A stable text form, used as the identity of the filter and in docs/FEATURES.md.</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (Kind is { } k)
            parts.Add($"kind = {EventKindNames.Of(k)}");
        if (Product is { } p)
            parts.Add($"product = {p}");
        if (Events is { } e)
            parts.Add(e.IsEmpty ? "event in (none)" : $"event in ({string.Join(", ", e)})");
        return parts.Count == 0 ? "all events" : string.Join(" and ", parts);
    }
}

/// <summary>How a feature reduces the entity's events (time &lt;= cutoff) to one number.</summary>
public enum Aggregation
{
    /// <summary>Matching events in the window.</summary>
    Count,
    /// <summary>Distinct UTC calendar days with a matching event in the window.</summary>
    ActiveDays,
    /// <summary>Distinct users with a matching event in the window.</summary>
    ActiveUsers,
    /// <summary>Days from the last matching event to the cutoff (NaN when none).</summary>
    DaysSinceLast,
    /// <summary>Days from the first matching event to the cutoff (NaN when none).</summary>
    DaysSinceFirst,
    /// <summary>Whole UTC days from the last day with a matching event to the cutoff's day (NaN when none).</summary>
    DaysSinceLastActiveDay,
    /// <summary>Daily rate in the window divided by the daily rate in <see cref="FeatureDefinition.BaselineDays"/> (NaN when the baseline is empty).</summary>
    RateRatio,
    /// <summary>Least-squares slope of weekly counts over the last <see cref="FeatureDefinition.Parameter"/> weeks (events per week per week).</summary>
    WeeklySlope,
    /// <summary>Largest per-user count in the window among the entity's users.</summary>
    UserMaxCount,
    /// <summary>Mean per-user count in the window over users active in it (NaN when none).</summary>
    UserMeanCount,
    /// <summary>Largest per-user active-day count in the window.</summary>
    UserMaxActiveDays,
    /// <summary>Mean per-user active-day count in the window over users active in it (NaN when none).</summary>
    UserMeanActiveDays,
    /// <summary>Number of products used at least once.</summary>
    ProductsAdopted,
    /// <summary>The product adopted in position <see cref="FeatureDefinition.Parameter"/> (1-based); categorical.</summary>
    AdoptedProductAt,
    /// <summary>The first <see cref="FeatureDefinition.Parameter"/> products in adoption order, e.g. <c>docs&gt;sheets</c>; categorical.</summary>
    AdoptionOrder,
    /// <summary>Days between the adoptions in positions Parameter-1 and Parameter (NaN when not reached).</summary>
    DaysBetweenAdoptions,
    /// <summary>Days from the entity's signup to the adoption in position Parameter (NaN when not reached).</summary>
    DaysSignupToAdoption,
    /// <summary>Position (1-based) at which <see cref="FeatureDefinition.ProductA"/> was adopted (NaN when not adopted).</summary>
    AdoptionRank,
    /// <summary>Weeks (7-day periods ending at the cutoff) in which both ProductA and ProductB were used.</summary>
    WeeksBoth,
    /// <summary>Weeks with any event.</summary>
    ActiveWeeks,
    /// <summary>Weeks with at least two products used.</summary>
    MultiProductWeeks,
    /// <summary>Multi-product weeks / active weeks (NaN when no active week).</summary>
    MultiProductWeekShare,
    /// <summary>Consecutive weeks up to the cutoff's week with at least Parameter products (1 = any event).</summary>
    StreakCurrent,
    /// <summary>Longest run of consecutive weeks with at least Parameter products (1 = any event).</summary>
    StreakLongest,
    /// <summary>Share of the last Parameter weeks with at least two products used.</summary>
    MultiProductShareRecentWeeks,
    /// <summary>Share of adopted products used again in a later week than the week of first use (NaN when none adopted).</summary>
    ReturnRate,
    /// <summary>Active weeks / weeks since the first event (NaN when no event).</summary>
    ActiveWeekShare,
    /// <summary>Distinct values of the property <see cref="FeatureDefinition.Key"/> (the event name when absent) among matching events.</summary>
    DistinctValues,
    /// <summary>Matching events whose property Key equals <see cref="FeatureDefinition.Value"/>.</summary>
    CountOfValue,
    /// <summary>DistinctValues divided by active users in the window (NaN when none).</summary>
    DistinctValuesPerActiveUser,
    /// <summary>Users created after the first matching event (an invite) who have any event by the cutoff.</summary>
    InviteesActive,
    /// <summary>Users with a matching event (all history) / users created by the cutoff (NaN when none).</summary>
    ActiveUserShare,
    /// <summary>Users of the account created in the window.</summary>
    UsersAdded,
    /// <summary>Users of the account created by the cutoff.</summary>
    UsersTotal,
    /// <summary>The attribute <see cref="FeatureDefinition.Key"/>: numeric, or a category code.</summary>
    AttributeValue,
    /// <summary>Days from the entity's creation to the cutoff.</summary>
    AgeDays,
}

/// <summary>
/// One feature as data: what it reads and how it aggregates. The in-memory evaluator
/// (<see cref="FeatureEngine"/>) interprets these; a SQL generator can read the same definitions.
/// All windows end at the cutoff T and include it: a 30-day window is (T - 30d, T].
/// </summary>
public sealed record FeatureDefinition
{
    /// <summary><c>family.name</c>, lowercase snake_case.</summary>
    public required string Name { get; init; }
    public required FeatureFamilies Family { get; init; }
    public required Aggregation Aggregation { get; init; }
    public EntityLevel Level { get; init; } = EntityLevel.Both;
    /// <summary>Window length in days ending at the cutoff; 0 = all history up to the cutoff.</summary>
    public int WindowDays { get; init; }
    /// <summary>Second window for <see cref="Aggregation.RateRatio"/>.</summary>
    public int BaselineDays { get; init; }
    public EventFilter Filter { get; init; } = EventFilter.All;
    /// <summary>A position, a number of weeks or a minimum product count, per aggregation.</summary>
    public int Parameter { get; init; }
    public string? ProductA { get; init; }
    public string? ProductB { get; init; }
    /// <summary>Property key (DistinctValues, CountOfValue) or attribute name (AttributeValue).</summary>
    public string? Key { get; init; }
    /// <summary>Property value for CountOfValue; for AttributeValue, "account" or "user" (whose attribute).</summary>
    public string? Value { get; init; }
    public FeatureKind Kind { get; init; } = FeatureKind.Numeric;
    /// <summary>Category names by code, for categorical features.</summary>
    public IReadOnlyList<string> Levels { get; init; } = [];
    public required string Description { get; init; }

    public string FamilyName => FeatureFamilyNames.Of(Family);
}
