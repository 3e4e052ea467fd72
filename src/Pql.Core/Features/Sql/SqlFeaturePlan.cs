using System.Collections.Immutable;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// The SQL side of the feature catalogue: which integer measures each definition reads (one aggregate per (entity, cutoff), the product
/// mask of each week, the counts of each user) and how its value is derived from them with <see cref="FeatureFormulas"/>, the code the
/// in-memory evaluator runs. Accounts and users (creation times, attributes, who belongs to which account) come from the small tables
/// in <see cref="Store"/>; only the events stay where they live. A definition without a SQL form on this backend is listed in
/// <see cref="Unsupported"/> with the reason, never approximated.
/// </summary>
internal sealed partial class SqlFeaturePlan
{
    /// <summary>The column holding the tracked property in the events relation (DuckDB and PostgreSQL sources alias it so).</summary>
    public const string PropertyAlias = "prop";

    private readonly Dictionary<SqlMeasure, int> _index = [];
    private readonly List<SqlMeasure> _measures = [];
    private readonly List<(FeatureDefinition Definition, Func<SqlRow, double> Value)> _columns = [];
    private readonly List<int> _userWindows = [];
    private readonly Dictionary<int, int[]> _orderCodes = [];
    private readonly string? _propertyColumn;
    private (int, int, int)[]? _productMeasures;

    /// <param name="catalogue">The definitions, products and config.</param>
    /// <param name="entity">Account or user rows.</param>
    /// <param name="store">The accounts and users tables (creation times, attributes, membership).</param>
    /// <param name="eventNames">The distinct event names present where the events live (kind filters resolve against them).</param>
    /// <param name="propertyColumn">The events relation's column holding <see cref="FeatureConfig.IntegrationKindProperty"/>, or null when
    /// the backend cannot give it (the distinct-value features are then unsupported).</param>
    /// <param name="dialect">The backend's SQL.</param>
    public SqlFeaturePlan(FeatureCatalogue catalogue, EntityKind entity, EventStore store, IReadOnlyCollection<string> eventNames,
        SqlDialect dialect, string? propertyColumn)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        Dialect = dialect;
        Config = catalogue.Config;
        Entity = entity;
        Store = store;
        EventNames = eventNames;
        Products = catalogue.Products;
        ProductBits = Products.Count >= 63 ? ~FeaturePlan.AnyBit : (1UL << Products.Count) - 1;
        _propertyColumn = propertyColumn;
        (AccountUserOffsets, AccountUsersList, UserLocal) = FeaturePlan.UsersByAccount(store);
        var unsupported = new List<(FeatureDefinition, string)>();
        foreach (var d in catalogue.For(entity))
        {
            var (value, reason) = Compile(d);
            if (value is null)
                unsupported.Add((d, reason!));
            else
                _columns.Add((d, value));
        }
        Unsupported = unsupported;
    }

    public SqlDialect Dialect { get; }
    public EntityKind Entity { get; }
    public EventStore Store { get; }
    private FeatureConfig Config { get; }
    private IReadOnlyCollection<string> EventNames { get; }
    public IReadOnlyList<string> Products { get; }
    public ulong ProductBits { get; }
    public int[] AccountUserOffsets { get; }
    public int[] AccountUsersList { get; }
    public int[] UserLocal { get; }

    public IReadOnlyList<SqlMeasure> Measures => _measures;

    public IReadOnlyList<FeatureDefinition> Columns => _columns.ConvertAll(c => c.Definition);

    /// <summary>Definitions this backend cannot compute, with why.</summary>
    public IReadOnlyList<(FeatureDefinition Definition, string Reason)> Unsupported { get; }

    /// <summary>The week query is needed (week-set families).</summary>
    public bool NeedWeeks { get; private set; }

    /// <summary>The per-user query is needed (roll-ups, invitees).</summary>
    public bool NeedUsers { get; private set; }

    /// <summary>Windows (days, 0 = all history) of the per-user query: its values are the user's events in all history, then per window its events and active days.</summary>
    public IReadOnlyList<int> UserWindows => _userWindows;

    public int UserMeasures => 1 + 2 * _userWindows.Count;

    /// <summary>Per catalogue product, the measures (events, first time, last time) over all history.</summary>
    public (int Count, int First, int Last)[] ProductMeasures => _productMeasures ?? [];

    /// <summary>The tracked property of the events relation, when the catalogue reads one.</summary>
    public string? PropertyColumn => _propertyColumn;

    /// <summary>The value of column <paramref name="column"/> for one row.</summary>
    public double Value(int column, SqlRow row) => _columns[column].Value(row);

    private (Func<SqlRow, double>? Value, string? Reason) Compile(FeatureDefinition d) => d.Aggregation switch
    {
        Aggregation.UserMaxCount or Aggregation.UserMeanCount or Aggregation.UserMaxActiveDays or Aggregation.UserMeanActiveDays => (RollUp(d), null),
        Aggregation.ProductsAdopted or Aggregation.AdoptedProductAt or Aggregation.AdoptionOrder or Aggregation.DaysBetweenAdoptions
            or Aggregation.DaysSignupToAdoption or Aggregation.AdoptionRank or Aggregation.ReturnRate => (Adoption(d), null),
        Aggregation.WeeksBoth or Aggregation.ActiveWeeks or Aggregation.MultiProductWeeks or Aggregation.MultiProductWeekShare
            or Aggregation.StreakCurrent or Aggregation.StreakLongest or Aggregation.MultiProductShareRecentWeeks
            or Aggregation.ActiveWeekShare => (WeekSet(d), null),
        Aggregation.DistinctValues or Aggregation.CountOfValue or Aggregation.DistinctValuesPerActiveUser or Aggregation.Reconnects => _propertyColumn is null
            ? (null, $"the events here have no column for the property '{d.Key}' (load it into a column of that name)")
            : (DistinctValues(d), null),
        Aggregation.InvitesOutstanding or Aggregation.InviteAcceptance or Aggregation.MeanGapDays or Aggregation.GapVariation
            or Aggregation.LongestGapDays or Aggregation.OverdueRatio or Aggregation.MonthEndShare or Aggregation.RecentActiveWeekShare
            or Aggregation.WeeklyVariation or Aggregation.MachineCount or Aggregation.HumanCount or Aggregation.MachineShare
            or Aggregation.DaysSinceLastHuman or Aggregation.UserTopShare or Aggregation.UserTopDayShare
            or Aggregation.PerAttributeUnit => (Analyst(d), null),
        Aggregation.InviteesActive or Aggregation.ActiveUserShare or Aggregation.UsersAdded or Aggregation.UsersTotal
            or Aggregation.AttributeValue or Aggregation.AgeDays => (Entities(d), null),
        Aggregation.MetricSum or Aggregation.MetricMean or Aggregation.MetricTrend or Aggregation.MetricLast or Aggregation.MetricDaysSinceLast =>
            (null, "the metric family reads the metrics table (data.metrics), which the SQL engines do not load; use engine: memory"),
        _ => Counts(d) is { } f ? (f, null) : (null, $"aggregation {d.Aggregation} has no SQL form yet"),
    };

    private Func<SqlRow, double>? Counts(FeatureDefinition d)
    {
        var f = Predicate(d.Filter);
        var w = d.WindowDays;
        switch (d.Aggregation)
        {
            case Aggregation.Count:
            {
                var m = Measure(new(MeasureKind.Count, f, w));
                return r => r.Measures[m];
            }
            case Aggregation.ActiveDays:
            {
                var m = Measure(new(MeasureKind.ActiveDays, f, w));
                return r => r.Measures[m];
            }
            case Aggregation.ActiveUsers:
            {
                var m = Measure(new(MeasureKind.ActiveUsers, f, w));
                return r => r.Measures[m];
            }
            case Aggregation.DaysSinceLast:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.LastTime, f, 0)));
                return r => FeatureFormulas.Days(r.Measures[n] == 0 ? FeatureFormulas.None : r.Measures[m], r.Cutoff);
            }
            case Aggregation.DaysSinceFirst:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.FirstTime, f, 0)));
                return r => FeatureFormulas.Days(r.Measures[n] == 0 ? FeatureFormulas.None : r.Measures[m], r.Cutoff);
            }
            case Aggregation.DaysSinceLastActiveDay:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.LastDay, f, 0)));
                return r => FeatureFormulas.DaysSinceLastActiveDay(r.Measures[n] == 0 ? FeatureFormulas.None : r.Measures[m], r.Cutoff);
            }
            case Aggregation.RateRatio:
            {
                var (a, b) = (Measure(new(MeasureKind.Count, f, w)), Measure(new(MeasureKind.Count, f, d.BaselineDays)));
                double wd = w, bd = d.BaselineDays;
                return r => FeatureFormulas.RateRatio((int)r.Measures[a], wd, (int)r.Measures[b], bd);
            }
            case Aggregation.WeeklySlope:
            {
                // The in-memory engine counts every event of the entity per week for the slope, whatever the definition's filter.
                var weeks = WeekCounts(d.Parameter);
                return r =>
                {
                    var counts = WeekValues(r, weeks);
                    return FeatureFormulas.Slope(counts, counts.Length);
                };
            }
            default:
                return null;
        }
    }

    /// <summary>Per-user roll-ups from the per-user query (account rows; the in-memory engine reads all events of the account's users).</summary>
    private Func<SqlRow, double> RollUp(FeatureDefinition d)
    {
        var (count, days) = UserWindow(d.WindowDays);
        var value = d.Aggregation is Aggregation.UserMaxCount or Aggregation.UserMeanCount ? count : days;
        var mean = d.Aggregation is Aggregation.UserMeanCount or Aggregation.UserMeanActiveDays;
        return r => RollUp(r, value, count, mean);
    }

    /// <summary>The indices, among a user's values of the per-user query, of its events and active days in the window (added when new).</summary>
    private (int Count, int Days) UserWindow(int windowDays)
    {
        NeedUsers = true;
        var w = _userWindows.IndexOf(windowDays);
        if (w < 0)
        {
            w = _userWindows.Count;
            _userWindows.Add(windowDays);
        }
        return (1 + 2 * w, 2 + 2 * w);
    }

    /// <summary>Largest or mean of one per-user value over the entity's own users, as <see cref="FeatureFormulas.RollUp"/> in memory.</summary>
    private double RollUp(SqlRow r, int value, int count, bool mean)
    {
        var values = new int[r.Users.Count];
        var counts = new int[r.Users.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var (user, v) = r.Users[i];
            if (Store.UserAccount[user] != r.Entity)
                continue;   // another account's user: not a user of this entity
            values[i] = (int)v[value];
            counts[i] = (int)v[count];
        }
        return FeatureFormulas.RollUp(values, counts, mean);
    }

    private Func<SqlRow, double> Adoption(FeatureDefinition d)
    {
        if (_productMeasures is null)
        {
            _productMeasures = new (int, int, int)[Products.Count];
            for (var p = 0; p < Products.Count; p++)
            {
                var f = Predicate(new EventFilter { Product = Products[p] });
                _productMeasures[p] = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.FirstTime, f, 0)), Measure(new(MeasureKind.LastTime, f, 0)));
            }
        }
        var n = d.Parameter;
        switch (d.Aggregation)
        {
            case Aggregation.ProductsAdopted:
                return r => r.Adopted.Length;
            case Aggregation.AdoptedProductAt:
                return r => n <= r.Adopted.Length ? r.Adopted[n - 1] : double.NaN;
            case Aggregation.AdoptionOrder:
            {
                if (!_orderCodes.TryGetValue(n, out var codes))
                    _orderCodes[n] = codes = FeaturePlan.OrderCodes(Products.Count, n);
                var products = Products.Count;
                return r =>
                {
                    var adopted = r.Adopted;
                    if (adopted.Length == 0)
                        return double.NaN;
                    var code = codes[FeaturePlan.OrderKey(adopted, Math.Min(adopted.Length, n), n, products)];
                    return code >= 0 ? code : double.NaN;
                };
            }
            case Aggregation.DaysBetweenAdoptions:
                return r => n <= r.Adopted.Length ? FeatureFormulas.Days(r.FirstUse[r.Adopted[n - 2]], r.FirstUse[r.Adopted[n - 1]]) : double.NaN;
            case Aggregation.DaysSignupToAdoption:
                return r => n <= r.Adopted.Length ? FeatureFormulas.Days(r.Signup, r.FirstUse[r.Adopted[n - 1]]) : double.NaN;
            case Aggregation.AdoptionRank:
            {
                var a = IndexOf(Products, d.ProductA);
                return r =>
                {
                    var adopted = r.Adopted;
                    for (var i = 0; i < adopted.Length; i++)
                    {
                        if (adopted[i] == a)
                            return i + 1;
                    }
                    return double.NaN;
                };
            }
            default:
                return r => FeatureFormulas.ReturnRate(r.Adopted, r.FirstUse, r.LastUse, r.Cutoff);
        }
    }

    private Func<SqlRow, double> WeekSet(FeatureDefinition d)
    {
        NeedWeeks = true;
        var bits = ProductBits;
        var n = d.Parameter;
        switch (d.Aggregation)
        {
            case Aggregation.WeeksBoth:
            {
                int a = IndexOf(Products, d.ProductA), b = IndexOf(Products, d.ProductB);
                if (a is < 0 or >= 63 || b is < 0 or >= 63)
                    return _ => 0;
                var both = (1UL << a) | (1UL << b);
                return r => FeatureFormulas.CountWeeks(r.Weeks, r.KMax, both);
            }
            case Aggregation.ActiveWeeks:
                return r => FeatureFormulas.CountWeeks(r.Weeks, r.KMax, FeaturePlan.AnyBit);
            case Aggregation.MultiProductWeeks:
                return r => FeatureFormulas.MultiWeeks(r.Weeks, r.KMax + 1, bits);
            case Aggregation.MultiProductWeekShare:
                return r =>
                {
                    var active = FeatureFormulas.CountWeeks(r.Weeks, r.KMax, FeaturePlan.AnyBit);
                    return active == 0 ? double.NaN : (double)FeatureFormulas.MultiWeeks(r.Weeks, r.KMax + 1, bits) / active;
                };
            case Aggregation.StreakCurrent:
                return r => FeatureFormulas.StreakCurrent(r.Weeks, r.KMax, n, bits);
            case Aggregation.StreakLongest:
                return r => FeatureFormulas.LongestStreak(r.Weeks, r.KMax, n, bits);
            case Aggregation.MultiProductShareRecentWeeks:
                return r => (double)FeatureFormulas.MultiWeeks(r.Weeks, Math.Min(n, r.KMax + 1), bits) / n;
            default:
                return r => r.KMax < 0 ? double.NaN : (double)FeatureFormulas.CountWeeks(r.Weeks, r.KMax, FeaturePlan.AnyBit) / (r.KMax + 1);
        }
    }

    /// <summary>Distinct identities (the property's value, else the event name) among matching events, all history, as the in-memory tracker.</summary>
    private Func<SqlRow, double> DistinctValues(FeatureDefinition d)
    {
        var f = Predicate(d.Filter);
        switch (d.Aggregation)
        {
            case Aggregation.CountOfValue:
            {
                var value = Dialect.E(_propertyColumn!) + " = " + Dialect.Literal(d.Value!);
                var m = Measure(new(MeasureKind.Count, f.Length == 0 ? value : f + " AND " + value, 0));
                return r => r.Measures[m];
            }
            case Aggregation.DistinctValues:
            {
                var m = Measure(new(MeasureKind.DistinctValues, f, 0));
                return r => r.Measures[m];
            }
            case Aggregation.Reconnects:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.DistinctValues, f, 0)));
                return r => r.Measures[n] - r.Measures[m];
            }
            default:
            {
                var (m, users) = (Measure(new(MeasureKind.DistinctValues, f, 0)), Measure(new(MeasureKind.ActiveUsers, Predicate(EventFilter.All), d.WindowDays)));
                return r => r.Measures[users] == 0 ? double.NaN : (double)r.Measures[m] / r.Measures[users];
            }
        }
    }

    /// <summary>What the accounts and users tables say, with the events' counts where a feature combines both.</summary>
    private Func<SqlRow, double> Entities(FeatureDefinition d)
    {
        var f = Predicate(d.Filter);
        switch (d.Aggregation)
        {
            case Aggregation.InviteesActive:
            {
                NeedUsers = true;
                var (n, first) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.FirstTime, f, 0)));
                return r =>
                {
                    var users = r.AccountUsers;
                    var seen = new bool[users.Length];
                    foreach (var (user, v) in r.Users)
                    {
                        if (Store.UserAccount[user] == r.Account && v[0] > 0)
                            seen[UserLocal[user]] = true;
                    }
                    return FeatureFormulas.InviteesActive(Store, users, seen, r.Measures[n] == 0 ? FeatureFormulas.None : r.Measures[first], r.Cutoff);
                };
            }
            case Aggregation.ActiveUserShare:
            {
                var m = Measure(new(MeasureKind.ActiveUsers, f, d.WindowDays));
                return r =>
                {
                    var total = FeatureFormulas.UsersCreated(Store, r.AccountUsers, FeatureFormulas.None, r.Cutoff);
                    return total == 0 ? double.NaN : (double)r.Measures[m] / total;
                };
            }
            case Aggregation.UsersAdded:
            {
                var window = (long)d.WindowDays * FeaturePlan.DayMs;
                return r => FeatureFormulas.UsersCreated(Store, r.AccountUsers, r.Cutoff - window, r.Cutoff);
            }
            case Aggregation.UsersTotal:
                return r => FeatureFormulas.UsersCreated(Store, r.AccountUsers, FeatureFormulas.None, r.Cutoff);
            case Aggregation.AttributeValue:
            {
                var ofUser = d.Value == "user";
                var column = ofUser ? Store.UserAttribute(d.Key!) : Store.AccountAttribute(d.Key!);
                return r => FeatureFormulas.Attribute(column, ofUser ? r.Entity : r.Account);
            }
            default:
            {
                var ofUser = d.Value == "user";
                return r => FeatureFormulas.Days(ofUser || Entity == EntityKind.Account ? r.Signup : Store.AccountCreatedAt[r.Account], r.Cutoff);
            }
        }
    }

    private int Measure(SqlMeasure m)
    {
        if (!_index.TryGetValue(m, out var i))
        {
            i = _measures.Count;
            _index[m] = i;
            _measures.Add(m);
        }
        return i;
    }

    /// <summary>
    /// The filter as a SQL condition on the events relation (columns <c>event</c>, <c>product</c>); a kind resolves to the event
    /// names of that kind among those present, as <see cref="FeatureConfig.KindOf"/> classifies them for the in-memory store.
    /// </summary>
    private string Predicate(EventFilter filter)
    {
        var parts = new List<string>(3);
        if (filter.Kind is { } kind)
            parts.Add(Dialect.InList(Dialect.E("event"), EventNames.Where(n => Config.KindOf(n) == kind)));
        if (filter.Events is ImmutableArray<string> names)
            parts.Add(Dialect.InList(Dialect.E("event"), names));
        if (filter.Product is { } p)
            parts.Add(Dialect.E("product") + " = " + Dialect.Literal(p));
        return parts.Count == 0 ? "" : string.Join(" AND ", parts);
    }

    private static int IndexOf(IReadOnlyList<string> list, string? value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
                return i;
        }
        return -1;
    }
}
