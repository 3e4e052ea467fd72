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
    /// <summary>Matching events (all history) beyond the first of each distinct value: integrations reconnected rather than added.</summary>
    Reconnects,
    /// <summary>Matching events (invites, all history) minus users created after the first one by the cutoff, at least 0.</summary>
    InvitesOutstanding,
    /// <summary>Users created after the first invite by the cutoff over invites sent (NaN when none sent).</summary>
    InviteAcceptance,
    /// <summary>Mean gap in days between consecutive active days (NaN with fewer than two active days).</summary>
    MeanGapDays,
    /// <summary>Coefficient of variation (standard deviation over mean) of the gaps between active days (NaN with fewer than two).</summary>
    GapVariation,
    /// <summary>Longest gap in days between consecutive active days (NaN with fewer than two active days).</summary>
    LongestGapDays,
    /// <summary>Days since the last active day over the mean gap: above 1 the entity is later than its own rhythm (NaN with fewer than two active days).</summary>
    OverdueRatio,
    /// <summary>Share of active days in the window that fall in the last <see cref="FeatureDefinition.Parameter"/> days of their calendar month (NaN when none).</summary>
    MonthEndShare,
    /// <summary>Share of the last <see cref="FeatureDefinition.Parameter"/> weeks with any event.</summary>
    RecentActiveWeekShare,
    /// <summary>Coefficient of variation of weekly event counts over the last Parameter weeks (NaN when all are zero).</summary>
    WeeklyVariation,
    /// <summary>Events in the window by no user or with an automated event name (machine activity).</summary>
    MachineCount,
    /// <summary>Events in the window by a user with a name that is not automated (human activity).</summary>
    HumanCount,
    /// <summary>Machine events over all events in the window (NaN when none).</summary>
    MachineShare,
    /// <summary>Days from the last human event to the cutoff (NaN when none).</summary>
    DaysSinceLastHuman,
    /// <summary>The most active user's events over the entity's events in the window (NaN when none).</summary>
    UserTopShare,
    /// <summary>The most regular user's active days over the entity's active days in the window (NaN when none).</summary>
    UserTopDayShare,
    /// <summary>
    /// A behaviour per unit of the numeric account attribute <see cref="FeatureDefinition.Key"/> (company size): Parameter 0 = active
    /// users in the window, 1 = users created by the cutoff, 2 = events in the window (NaN when the attribute is missing or not positive).
    /// </summary>
    PerAttributeUnit,
    /// <summary>
    /// Sum of the daily values of metric <see cref="FeatureDefinition.Key"/> (the pooled rarer metrics when null) over the window's
    /// whole days before the cutoff's day. A daily value is the sum of the entity's rows of that metric and day (an account's users
    /// add up). Days are read only when they ended by the cutoff, so the cutoff's own, unfinished, day is never read.
    /// </summary>
    MetricSum,
    /// <summary>Mean daily value over the window's days that have a value (NaN when none).</summary>
    MetricMean,
    /// <summary>Least-squares slope of the daily value per day over the window's days that have a value (NaN with fewer than two).</summary>
    MetricTrend,
    /// <summary>The latest daily value before the cutoff's day (NaN when none).</summary>
    MetricLast,
    /// <summary>Whole days from the latest day with a value to the cutoff's day (NaN when none).</summary>
    MetricDaysSinceLast,
}
