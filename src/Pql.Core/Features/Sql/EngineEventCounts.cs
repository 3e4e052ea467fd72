using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// Counts, where the events live, what fixes the feature catalogue's shape (<see cref="EventCounts"/>): events per name, per product and
/// per integration value on integration events. Three small grouped queries; the events relation is the one the feature queries read
/// (DuckDB materializes it once per source), so a store without events gets the in-memory engine's columns.
/// </summary>
internal static class EngineEventCounts
{
    public static EventCounts Read(ISqlFeatureSource source, FeatureConfig config)
    {
        var d = source.Dialect;
        var key = config.IntegrationKindProperty;
        var prop = source.PropertyColumn(key);
        var from = d.Relation(source.EventsRelation(EntityKind.Account, prop is null ? null : key));
        var names = Count(source, d.E("event"), from, $"{d.E("event")} IS NOT NULL");
        var products = Count(source, d.E("product"), from, $"{d.E("product")} IS NOT NULL");
        var integrationEvents = names.Keys.Where(n => config.KindOf(n) == EventKind.Integration).Order(StringComparer.Ordinal).ToList();
        var kinds = prop is null || integrationEvents.Count == 0
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : Count(source, d.E(prop), from, $"{d.E(prop)} IS NOT NULL AND {d.E("event")} IN ({string.Join(", ", integrationEvents.Select(d.Literal))})");
        return new EventCounts(names, products, kinds);
    }

    /// <summary>Rows per value of <paramref name="column"/>; min(t) fills the cutoff column <see cref="ISqlFeatureSource.Read"/> expects.</summary>
    private static Dictionary<string, long> Count(ISqlFeatureSource source, string column, string from, string where)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        var sql = $"SELECT {column} AS v, min({source.Dialect.E("t")}) AS t0, count(*) AS n FROM {from} WHERE {where} GROUP BY {column}";
        foreach (var r in source.Read(sql, 1))
            result[r.Entity] = r.Values[0];
        return result;
    }
}
