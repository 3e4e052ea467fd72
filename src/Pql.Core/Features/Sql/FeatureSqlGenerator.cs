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
        var (head, tail) = d.Frame(rowsTable, eventsRelation);
        var sb = new StringBuilder(head);
        foreach (var m in plan.Measures)
            sb.Append(",\n  ").Append(Measure(plan, m));
        return sb.Append('\n').Append(tail).ToString();
    }

    /// <summary>Per (entity, cutoff, week k before the cutoff's) with an event: the mask of catalogue products used that week.</summary>
    public static string Weeks(SqlFeaturePlan plan, string rowsTable, string eventsRelation)
    {
        var d = plan.Dialect;
        var (head, tail) = d.Frame(rowsTable, eventsRelation, d.Div($"{d.R("cutoff_ms")} - {d.E("t")}", FeaturePlan.WeekMs));
        var bits = new StringBuilder();
        for (var p = 0; p < plan.Products.Count && p < 63; p++)
            bits.Append($" WHEN {d.E("product")} = {d.Literal(plan.Products[p])} THEN {SqlDialect.Number(1L << p)}");
        var mask = bits.Length == 0 ? "0" : $"CASE{bits} ELSE 0 END";
        return $"{head},\n  {d.BitOr(mask)}\n{tail}";
    }

    /// <summary>Per (entity, cutoff, UTC day) with an event: the day's last event time (cadence: gaps between active days, month-end days).</summary>
    public static string Days(SqlFeaturePlan plan, string rowsTable, string eventsRelation)
    {
        var d = plan.Dialect;
        var (head, tail) = d.Frame(rowsTable, eventsRelation, d.Div(d.E("t"), FeaturePlan.DayMs));
        return $"{head},\n  {d.Aggregate("max", false, d.E("t"), "1 = 1")}\n{tail}";
    }

    /// <summary>
    /// Per (entity, cutoff, user) with an event: the user's events in all history, then for each of <see cref="SqlFeaturePlan.UserWindows"/>
    /// its events and active days. A null user comes back as a null key.
    /// </summary>
    public static string Users(SqlFeaturePlan plan, string rowsTable, string eventsRelation)
    {
        var d = plan.Dialect;
        var (head, tail) = d.Frame(rowsTable, eventsRelation, d.E("user_id"));
        var sb = new StringBuilder(head);
        sb.Append(",\n  ").Append(Count(d, "1 = 1"));
        foreach (var w in plan.UserWindows)
        {
            var c = w > 0 ? $"{d.E("t")} > {d.R("cutoff_ms")} - {SqlDialect.Number(w * FeaturePlan.DayMs)}" : "1 = 1";
            sb.Append(",\n  ").Append(Count(d, c));
            sb.Append(",\n  ").Append(d.Aggregate("count", true, d.Div(d.E("t"), FeaturePlan.DayMs), c));
        }
        return sb.Append('\n').Append(tail).ToString();
    }

    /// <summary>Events where <paramref name="condition"/> holds: rows counted, or condensed rows' events summed (0 when none, as count).</summary>
    private static string Count(SqlDialect d, string condition) => d.Condensed
        ? $"CAST(sum(CASE WHEN {condition} THEN {d.E("n")} ELSE 0 END) AS BIGINT)"
        : d.Aggregate("count", false, d.E("t"), condition);

    private static string Measure(SqlFeaturePlan plan, SqlMeasure m)
    {
        var d = plan.Dialect;
        var conditions = new List<string>(3) { d.Present };
        if (m.Filter.Length > 0)
            conditions.Add(m.Filter);
        // A window of W days is (T - W days, T]: the in-memory engine's "cutoff - t < W days".
        if (m.WindowDays > 0)
            conditions.Add($"{d.E("t")} > {d.R("cutoff_ms")} - {SqlDialect.Number(m.WindowDays * FeaturePlan.DayMs)}");
        if (m.Kind == MeasureKind.WeekCount)
            conditions.Add($"{d.Div($"{d.R("cutoff_ms")} - {d.E("t")}", FeaturePlan.WeekMs)} = {SqlDialect.Number(m.Week)}");
        var c = string.Join(" AND ", conditions);
        var day = d.Div(d.E("t"), FeaturePlan.DayMs);
        return m.Kind switch
        {
            MeasureKind.Count or MeasureKind.WeekCount => Count(d, c),
            MeasureKind.ActiveDays => d.Aggregate("count", true, day, c),
            MeasureKind.ActiveUsers => d.Aggregate("count", true, d.E("user_id"), $"{c} AND {d.E("user_id")} IS NOT NULL"),
            MeasureKind.FirstTime => d.Aggregate("min", false, d.E(d.Condensed ? "t0" : "t"), c),
            MeasureKind.LastTime => d.Aggregate("max", false, d.E("t"), c),
            MeasureKind.DistinctValues => d.Aggregate("count", true, d.Identity(d.E(plan.PropertyColumn!), d.E("event")), c),
            _ => d.Aggregate("max", false, day, c),
        };
    }
}
