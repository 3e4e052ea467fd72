using System.Collections.Immutable;

namespace Pql.Core.Features.Sql;

/// <summary>
/// The SQL side of the feature catalogue: which integer measures each definition reads and how its value is derived from them with
/// <see cref="FeatureFormulas"/> (the code the in-memory evaluator runs). A definition whose aggregation has no SQL form yet is listed
/// in <see cref="Unsupported"/> instead of being approximated.
/// </summary>
internal sealed class SqlFeaturePlan
{
    private readonly Dictionary<SqlMeasure, int> _index = [];
    private readonly List<SqlMeasure> _measures = [];
    private readonly List<(FeatureDefinition Definition, Func<long[], long, double> Value)> _columns = [];

    /// <summary><paramref name="eventNames"/>: the distinct event names present where the events live (kind filters resolve against them).</summary>
    public SqlFeaturePlan(IEnumerable<FeatureDefinition> definitions, FeatureConfig config, IReadOnlyCollection<string> eventNames, SqlDialect dialect)
    {
        Dialect = dialect;
        Config = config;
        EventNames = eventNames;
        var unsupported = new List<FeatureDefinition>();
        foreach (var d in definitions)
        {
            var value = Compile(d);
            if (value is null)
                unsupported.Add(d);
            else
                _columns.Add((d, value));
        }
        Unsupported = unsupported;
    }

    public SqlDialect Dialect { get; }
    private FeatureConfig Config { get; }
    private IReadOnlyCollection<string> EventNames { get; }

    public IReadOnlyList<SqlMeasure> Measures => _measures;

    public IReadOnlyList<FeatureDefinition> Columns => _columns.ConvertAll(c => c.Definition);

    /// <summary>Definitions left to the in-memory engine: their aggregation is not pushed down yet.</summary>
    public IReadOnlyList<FeatureDefinition> Unsupported { get; }

    /// <summary>The value of column <paramref name="column"/> from one result row's measures.</summary>
    public double Value(int column, long[] measures, long cutoff) => _columns[column].Value(measures, cutoff);

    private Func<long[], long, double>? Compile(FeatureDefinition d)
    {
        var f = Predicate(d.Filter);
        var w = d.WindowDays;
        switch (d.Aggregation)
        {
            case Aggregation.Count:
            {
                var m = Measure(new(MeasureKind.Count, f, w));
                return (v, _) => v[m];
            }
            case Aggregation.ActiveDays:
            {
                var m = Measure(new(MeasureKind.ActiveDays, f, w));
                return (v, _) => v[m];
            }
            case Aggregation.ActiveUsers:
            {
                var m = Measure(new(MeasureKind.ActiveUsers, f, w));
                return (v, _) => v[m];
            }
            case Aggregation.DaysSinceLast:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.LastTime, f, 0)));
                return (v, t) => FeatureFormulas.Days(v[n] == 0 ? FeatureFormulas.None : v[m], t);
            }
            case Aggregation.DaysSinceFirst:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.FirstTime, f, 0)));
                return (v, t) => FeatureFormulas.Days(v[n] == 0 ? FeatureFormulas.None : v[m], t);
            }
            case Aggregation.DaysSinceLastActiveDay:
            {
                var (n, m) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.LastDay, f, 0)));
                return (v, t) => FeatureFormulas.DaysSinceLastActiveDay(v[n] == 0 ? FeatureFormulas.None : v[m], t);
            }
            case Aggregation.RateRatio:
            {
                var (a, b) = (Measure(new(MeasureKind.Count, f, w)), Measure(new(MeasureKind.Count, f, d.BaselineDays)));
                double wd = w, bd = d.BaselineDays;
                return (v, _) => FeatureFormulas.RateRatio((int)v[a], wd, (int)v[b], bd);
            }
            case Aggregation.WeeklySlope:
            {
                // The in-memory engine counts every event of the entity per week for the slope, whatever the definition's filter.
                var all = Predicate(EventFilter.All);
                var weeks = new int[d.Parameter];
                for (var k = 0; k < weeks.Length; k++)
                    weeks[k] = Measure(new(MeasureKind.WeekCount, all, 0, k));
                return (v, _) =>
                {
                    Span<int> counts = stackalloc int[weeks.Length];
                    for (var k = 0; k < weeks.Length; k++)
                        counts[k] = (int)v[weeks[k]];
                    return FeatureFormulas.Slope(counts, counts.Length);
                };
            }
            default:
                return null;
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
}
