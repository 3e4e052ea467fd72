using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Builds a <see cref="FeatureMatrix"/> where the events live: one query computes the integer measures per (entity, cutoff), and
/// each column's value is derived from them with the in-memory engine's formulas, so the two paths agree exactly.
/// </summary>
internal static class FeatureSqlBuilder
{
    public const string RowsTable = "pql_rows";

    /// <summary>
    /// One row per (entityIds[i], cutoffs[i]); <paramref name="entityCodes"/> become <see cref="FeatureMatrix.RowEntity"/>. Only the
    /// definitions with a SQL form are computed (<see cref="SqlFeaturePlan.Unsupported"/> lists the others).
    /// </summary>
    public static (FeatureMatrix Matrix, SqlFeaturePlan Plan) Build(ISqlFeatureSource source, IEnumerable<FeatureDefinition> definitions, FeatureConfig config,
        EntityKind entity, IReadOnlyList<string> entityIds, int[] entityCodes, long[] cutoffs)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (entityIds.Count != cutoffs.Length || entityCodes.Length != cutoffs.Length)
            throw new ArgumentException($"{entityIds.Count} entity ids, {entityCodes.Length} codes and {cutoffs.Length} cutoffs", nameof(cutoffs));
        var plan = new SqlFeaturePlan(definitions, config, source.EventNames(), source.Dialect);
        source.LoadRows(entityIds, cutoffs);
        var sql = FeatureSqlGenerator.Query(plan, source.RowsTable, source.EventsRelation(entity));

        // Rows come back in the engine's order, keyed by (entity, cutoff); the same pair asked twice gets the same values.
        var rowOf = new Dictionary<(string, long), List<int>>();
        for (var i = 0; i < cutoffs.Length; i++)
        {
            if (!rowOf.TryGetValue((entityIds[i], cutoffs[i]), out var list))
                rowOf[(entityIds[i], cutoffs[i])] = list = [];
            list.Add(i);
        }
        var columns = plan.Columns;
        var values = new float[columns.Count][];
        for (var c = 0; c < values.Length; c++)
            values[c] = new float[cutoffs.Length];
        var done = new bool[cutoffs.Length];
        foreach (var (id, cutoff, measures) in source.Read(sql, plan.Measures.Count))
        {
            if (!rowOf.TryGetValue((id, cutoff), out var rows))
                throw new InvalidDataException($"the engine returned a row for ({id}, {cutoff}) that was not asked for");
            Fill(plan, values, rows, measures, cutoff, done);
        }
        // An engine joining inner (ClickHouse) leaves out the rows without events up to their cutoff: their measures are empty.
        var empty = plan.Measures.Select(m => m.Kind is MeasureKind.Count or MeasureKind.WeekCount or MeasureKind.ActiveDays or MeasureKind.ActiveUsers
            ? 0 : FeatureFormulas.None).ToArray();
        for (var i = 0; i < cutoffs.Length; i++)
        {
            if (!done[i])
                Fill(plan, values, rowOf[(entityIds[i], cutoffs[i])], empty, cutoffs[i], done);
        }

        var result = new FeatureColumn[values.Length];
        for (var c = 0; c < result.Length; c++)
        {
            var d = columns[c];
            result[c] = new FeatureColumn { Name = d.Name, Family = d.FamilyName, Kind = d.Kind, Levels = d.Levels, Values = values[c], Description = d.Description };
        }
        return (new FeatureMatrix { RowCount = cutoffs.Length, Columns = result, RowEntity = entityCodes, RowCutoff = cutoffs }, plan);
    }

    private static void Fill(SqlFeaturePlan plan, float[][] values, List<int> rows, long[] measures, long cutoff, bool[] done)
    {
        for (var c = 0; c < values.Length; c++)
        {
            var v = (float)plan.Value(c, measures, cutoff);
            foreach (var r in rows)
                values[c][r] = v;
        }
        foreach (var r in rows)
            done[r] = true;
    }
}
