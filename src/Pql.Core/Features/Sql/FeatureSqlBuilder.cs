using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Builds a <see cref="FeatureMatrix"/> where the events live: one query computes the integer measures per (entity, cutoff), one the
/// product mask per week (week-set families), one the last event time per active day (cadence), one the counts per user (roll-ups,
/// champion, invitees), and each column's value is derived from
/// them with the in-memory engine's formulas, so the two paths agree exactly.
/// </summary>
internal static class FeatureSqlBuilder
{
    public const string RowsTable = "pql_rows";

    /// <summary>
    /// One row per (entityIds[i], cutoffs[i]); <paramref name="entityCodes"/> are the entities' codes in <paramref name="store"/> (whose
    /// accounts and users tables give creation times, attributes and membership) and become <see cref="FeatureMatrix.RowEntity"/>.
    /// Only the definitions with a SQL form on this backend are computed (<see cref="SqlFeaturePlan.Unsupported"/> lists the others);
    /// with <paramref name="refuseUnsupported"/> (the engine's name) any such definition is an input error naming it, before any query runs.
    /// </summary>
    public static (FeatureMatrix Matrix, SqlFeaturePlan Plan) Build(ISqlFeatureSource source, FeatureCatalogue catalogue, EventStore store,
        EntityKind entity, IReadOnlyList<string> entityIds, int[] entityCodes, long[] cutoffs, string? refuseUnsupported = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (entityIds.Count != cutoffs.Length || entityCodes.Length != cutoffs.Length)
            throw new ArgumentException($"{entityIds.Count} entity ids, {entityCodes.Length} codes and {cutoffs.Length} cutoffs", nameof(cutoffs));
        var key = catalogue.Config.IntegrationKindProperty;
        var plan = new SqlFeaturePlan(catalogue, entity, store, source.EventNames(), source.Dialect, source.PropertyColumn(key));
        if (refuseUnsupported is not null && plan.Unsupported.Count > 0)
            throw new PqlInputException(Refusal(refuseUnsupported, plan.Unsupported));
        source.LoadRows(entityIds, cutoffs);
        var property = plan.PropertyColumn is null ? null : key;
        var events = plan.Dialect.Condensed
            ? source.CondensedRelation(entity, property, CondensedEvents.Splits(cutoffs))
            : source.EventsRelation(entity, property);

        var measures = Measures(source, plan, events, cutoffs.Length);
        var weeks = new Dictionary<(string, long), List<(int, ulong)>>();
        if (plan.NeedWeeks)
        {
            foreach (var r in source.Read(FeatureSqlGenerator.Weeks(plan, source.RowsTable, events), 1, keyed: true))
                Add(weeks, (r.Entity, r.Cutoff), (int.Parse(r.Key!, System.Globalization.CultureInfo.InvariantCulture), (ulong)r.Values[0]));
        }
        var days = new Dictionary<(string, long), List<(long, long)>>();
        if (plan.NeedDays)
        {
            foreach (var r in source.Read(FeatureSqlGenerator.Days(plan, source.RowsTable, events), 1, keyed: true))
                Add(days, (r.Entity, r.Cutoff), (long.Parse(r.Key!, System.Globalization.CultureInfo.InvariantCulture), r.Values[0]));
        }
        var users = new Dictionary<(string, long), List<(int, long[])>>();
        if (plan.NeedUsers)
        {
            foreach (var r in source.Read(FeatureSqlGenerator.Users(plan, source.RowsTable, events), plan.UserMeasures, keyed: true))
            {
                // Events of users the users table does not know are nobody's in the in-memory engine either.
                var u = r.Key is null ? -1 : store.UserIds.Find(r.Key);
                if (u >= 0)
                    Add(users, (r.Entity, r.Cutoff), (u, r.Values));
            }
        }

        // An engine joining inner (ClickHouse) leaves out the rows without events up to their cutoff: their measures are empty.
        var empty = plan.Measures.Select(m => m.Kind is MeasureKind.Count or MeasureKind.WeekCount or MeasureKind.ActiveDays or MeasureKind.ActiveUsers
            or MeasureKind.DistinctValues ? 0 : FeatureFormulas.None).ToArray();
        var columns = plan.Columns;
        var values = new float[columns.Count][];
        for (var c = 0; c < values.Length; c++)
            values[c] = new float[cutoffs.Length];
        var row = new SqlRow(plan);
        for (var i = 0; i < cutoffs.Length; i++)
        {
            var at = (entityIds[i], cutoffs[i]);
            row.Reset(measures.GetValueOrDefault(at, empty), cutoffs[i], entityCodes[i]);
            if (weeks.TryGetValue(at, out var w))
            {
                foreach (var (k, mask) in w)
                    row.AddWeek(k, mask);
            }
            if (days.TryGetValue(at, out var ds))
                row.AddDays(ds);
            if (users.TryGetValue(at, out var u))
                row.Users.AddRange(u);
            for (var c = 0; c < values.Length; c++)
                values[c][i] = (float)plan.Value(c, row);
        }

        var result = new FeatureColumn[values.Length];
        for (var c = 0; c < result.Length; c++)
        {
            var d = columns[c];
            result[c] = new FeatureColumn { Name = d.Name, Family = d.FamilyName, Kind = d.Kind, Levels = d.Levels, Values = values[c], Description = d.Description };
        }
        return (new FeatureMatrix { RowCount = cutoffs.Length, Columns = result, RowEntity = entityCodes, RowCutoff = cutoffs }, plan);
    }

    /// <summary>
    /// The measures per (entity, cutoff): the measures query, then on a condensed dialect the distinct counts' queries filling their
    /// places, over each part of the rows the source splits them into.
    /// </summary>
    private static Dictionary<(string, long), long[]> Measures(ISqlFeatureSource source, SqlFeaturePlan plan, string events, int rowCount)
    {
        var measures = new Dictionary<(string, long), long[]>();
        foreach (var rows in source.RowsParts(rowCount, plan.Measures.Count))
        {
            foreach (var r in source.Read(FeatureSqlGenerator.Query(plan, rows, events), plan.Measures.Count))
            {
                if (!measures.TryAdd((r.Entity, r.Cutoff), r.Values))
                    throw new InvalidDataException($"the engine returned ({r.Entity}, {r.Cutoff}) twice");
            }
            foreach (var (sql, indices) in FeatureSqlGenerator.Distinct(plan, rows, events))
            {
                foreach (var r in source.Read(sql, indices.Length))
                {
                    var known = measures.GetValueOrDefault((r.Entity, r.Cutoff))
                        ?? throw new InvalidDataException($"the engine returned distinct counts for ({r.Entity}, {r.Cutoff}), a row the measures query did not");
                    for (var j = 0; j < indices.Length; j++)
                        known[indices[j]] = r.Values[j];
                }
            }
        }
        return measures;
    }

    /// <summary>One line: what cannot be computed on the engine, grouped by why, and what to do.</summary>
    internal static string Refusal(string engine, IReadOnlyList<(FeatureDefinition Definition, string Reason)> unsupported)
    {
        var groups = unsupported.GroupBy(u => u.Reason).Select(g =>
        {
            var names = g.Select(u => u.Definition.Name).ToList();
            return $"{string.Join(", ", names.Take(4))}{(names.Count > 4 ? $" and {names.Count - 4} more" : "")}: {g.Key}";
        });
        return $"engine {engine} cannot compute {unsupported.Count} feature(s): {string.Join("; ", groups)}. Use engine: memory (or duckdb) for this workspace";
    }

    private static void Add<T>(Dictionary<(string, long), List<T>> map, (string, long) key, T item)
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = [];
        list.Add(item);
    }
}
