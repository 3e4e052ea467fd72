namespace Pql.Core.Features;

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
