using Pql.Core.Events;

namespace Pql.Core.Features;

/// <summary>
/// The event frequencies that fix a <see cref="FeatureCatalogue"/>'s shape: events per name, per product, and per integration value
/// (of the integration kind property, on integration events only). The in-memory engine counts them in its store
/// (<see cref="Of"/>); an engine over events that were never loaded into memory (DuckDB out of core) counts them where the events are,
/// so its catalogue has the same columns as the in-memory one without holding an event in memory.
/// </summary>
public sealed record EventCounts(IReadOnlyDictionary<string, long> Names, IReadOnlyDictionary<string, long> Products,
    IReadOnlyDictionary<string, long> IntegrationKinds)
{
    /// <summary>The counts of <paramref name="store"/>'s events; every name of its dictionary is listed, even one left with no event.</summary>
    public static EventCounts Of(EventStore store, FeatureConfig config)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        var names = new long[store.EventNames.Count];
        foreach (var n in store.EventName)
            names[n]++;
        var products = new long[store.Products.Count];
        foreach (var p in store.EventProduct)
        {
            if (p >= 0)
                products[p]++;
        }
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var n = 0; n < names.Length; n++)
            byName[store.EventNames[n]] = names[n];
        var byProduct = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var p = 0; p < products.Length; p++)
            byProduct[store.Products[p]] = products[p];
        return new EventCounts(byName, byProduct, IntegrationKindCounts(store, config));
    }

    private static Dictionary<string, long> IntegrationKindCounts(EventStore store, FeatureConfig config)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!store.Properties.TryGetValue(config.IntegrationKindProperty, out var column))
            return result;
        var isIntegration = new bool[store.EventNames.Count];
        for (var n = 0; n < isIntegration.Length; n++)
            isIntegration[n] = config.KindOf(store.EventNames[n]) == EventKind.Integration;
        var counts = new long[column.Values.Count];
        for (var i = 0; i < column.EventIndex.Length; i++)
        {
            if (isIntegration[store.EventName[column.EventIndex[i]]])
                counts[column.ValueCode[i]]++;
        }
        for (var v = 0; v < counts.Length; v++)
            result[column.Values[v]] = counts[v];
        return result;
    }
}
