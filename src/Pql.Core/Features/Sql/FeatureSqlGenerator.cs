using System.Text;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Writes the one query that computes every measure of a <see cref="SqlFeaturePlan"/> for a set of (entity, cutoff) rows: the rows
/// (table <c>rows</c>: entity_id, cutoff_ms) join the entity's events up to each cutoff, and one conditional aggregate per measure
/// reduces them. Only integers come back: one row per (entity, cutoff), whatever the number of events.
/// </summary>
internal static class FeatureSqlGenerator
{
    /// <summary>
    /// <paramref name="rowsTable"/> has columns <c>entity_id</c> (text) and <c>cutoff_ms</c> (bigint); <paramref name="eventsRelation"/> has
    /// <c>entity_id</c>, <c>user_id</c>, <c>event</c>, <c>product</c>, <c>t</c> (Unix ms, bigint).
    /// </summary>
    public static string Query(SqlFeaturePlan plan, string rowsTable, string eventsRelation)
    {
        var d = plan.Dialect;
        var sb = new StringBuilder("SELECT r.entity_id, r.cutoff_ms");
        foreach (var m in plan.Measures)
            sb.Append(",\n  ").Append(Measure(d, m));
        sb.Append($"\nFROM {rowsTable} r\nLEFT JOIN (\n{eventsRelation}\n) e ON e.entity_id = r.entity_id AND e.t <= r.cutoff_ms");
        sb.Append("\nGROUP BY r.entity_id, r.cutoff_ms");
        return sb.ToString();
    }

    private static string Measure(SqlDialect d, SqlMeasure m)
    {
        var conditions = new List<string>(3) { "e.t IS NOT NULL" };
        if (m.Filter.Length > 0)
            conditions.Add(m.Filter);
        // A window of W days is (T - W days, T]: the in-memory engine's "cutoff - t < W days".
        if (m.WindowDays > 0)
            conditions.Add($"e.t > r.cutoff_ms - {SqlDialect.Number(m.WindowDays * FeaturePlan.DayMs)}");
        if (m.Kind == MeasureKind.WeekCount)
            conditions.Add($"{d.Div("r.cutoff_ms - e.t", FeaturePlan.WeekMs)} = {SqlDialect.Number(m.Week)}");
        var c = string.Join(" AND ", conditions);
        var day = d.Div("e.t", FeaturePlan.DayMs);
        return m.Kind switch
        {
            MeasureKind.Count or MeasureKind.WeekCount => d.Aggregate("count", false, "e.t", c),
            MeasureKind.ActiveDays => d.Aggregate("count", true, day, c),
            MeasureKind.ActiveUsers => d.Aggregate("count", true, "e.user_id", c + " AND e.user_id IS NOT NULL"),
            MeasureKind.FirstTime => d.Aggregate("min", false, "e.t", c),
            MeasureKind.LastTime => d.Aggregate("max", false, "e.t", c),
            _ => d.Aggregate("max", false, day, c),
        };
    }
}
