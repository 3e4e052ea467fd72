using System.Collections.Immutable;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// Every feature of a store and config, as <see cref="FeatureDefinition"/> data in a fixed order. The shape
/// (products, integration kinds, attributes) comes from the store's dictionaries, never from event times,
/// so train and score matrices built from the same store line up column by column.
/// </summary>
public sealed partial class FeatureCatalogue
{
    /// <summary>Categorical attributes with more levels than this are not features (ids, emails).</summary>
    public const int MaxAttributeLevels = 100;

    private readonly FeatureConfig _config;
    private readonly List<FeatureDefinition> _account = [];
    private readonly List<FeatureDefinition> _user = [];
    private readonly Dictionary<string, string> _productKeys = new(StringComparer.Ordinal);

    /// <summary>Products with columns (the most frequent <see cref="FeatureConfig.MaxProducts"/>), ordered by name.</summary>
    public IReadOnlyList<string> Products { get; }
    /// <summary>Products that get pairwise synergy columns, ordered by name.</summary>
    public IReadOnlyList<string> PairProducts { get; }
    /// <summary>Integration values with their own column, ordered by name.</summary>
    public IReadOnlyList<string> IntegrationKinds { get; }
    public ImmutableArray<string> InviteEvents { get; }
    public ImmutableArray<string> ShareEvents { get; }
    public ImmutableArray<string> CreatorEvents { get; }
    /// <summary>Event names with their own columns in the event family (the most frequent, ordered by name).</summary>
    public IReadOnlyList<string> NamedEvents { get; }
    /// <summary>Rarer event names, pooled into one set of columns.</summary>
    public ImmutableArray<string> PooledEvents { get; }
    /// <summary>Metric names (metrics table) with their own columns in the metric family (the most frequent, ordered by name).</summary>
    public IReadOnlyList<string> NamedMetrics { get; }
    /// <summary>Rarer metric names, pooled into one set of columns.</summary>
    public ImmutableArray<string> PooledMetrics { get; }
    /// <summary>Event names counted as machine activity (besides events without a user).</summary>
    public ImmutableArray<string> AutomatedEvents { get; }
    public ImmutableArray<string> LimitEvents { get; }
    public ImmutableArray<string> PricingEvents { get; }
    /// <summary>The numeric account attribute measuring company size, or null (no interaction columns).</summary>
    public string? SizeAttribute { get; }

    internal FeatureConfig Config => _config;

    public IReadOnlyList<FeatureDefinition> Account => _account;
    public IReadOnlyList<FeatureDefinition> User => _user;

    public IReadOnlyList<FeatureDefinition> For(EntityKind entity) => entity == EntityKind.Account ? _account : _user;

    public FeatureCatalogue(EventStore store, FeatureConfig config, WorkspaceConfig? workspace, FeatureFamilies families = FeatureFamilies.All)
        : this(store, config, workspace, families, EventCounts.Of(store ?? throw new ArgumentNullException(nameof(store)), config ?? throw new ArgumentNullException(nameof(config))))
    {
    }

    /// <summary>
    /// The catalogue of <paramref name="store"/>'s accounts and users with its event-dependent shape (products, event names, integration
    /// kinds) taken from <paramref name="counts"/>: the store may then hold no events at all (an engine counted them where they live).
    /// </summary>
    public FeatureCatalogue(EventStore store, FeatureConfig config, WorkspaceConfig? workspace, FeatureFamilies families, EventCounts counts)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(counts);
        _config = config;
        var byFrequency = ProductsByFrequency(counts);
        Products = [.. byFrequency.Take(config.MaxProducts).Order(StringComparer.Ordinal)];
        PairProducts = [.. byFrequency.Take(Math.Min(config.MaxPairProducts, config.MaxProducts)).Order(StringComparer.Ordinal)];
        IntegrationKinds = TopIntegrationKinds(counts, config);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in Products)
        {
            var key = Snake(p);
            for (var n = 2; !used.Add(key); n++)
                key = Snake(p) + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _productKeys[p] = key;
        }
        var names = counts.Names.Keys;
        InviteEvents = [.. names.Where(config.IsInvite).Order(StringComparer.Ordinal)];
        ShareEvents = [.. names.Where(config.IsShare).Order(StringComparer.Ordinal)];
        CreatorEvents = [.. names.Where(config.IsCreator).Order(StringComparer.Ordinal)];
        (NamedEvents, PooledEvents) = EventNamesByFrequency(counts, config);
        (NamedMetrics, PooledMetrics) = MetricNamesByFrequency(store.Metrics, config);
        AutomatedEvents = [.. names.Where(config.IsAutomated).Order(StringComparer.Ordinal)];
        LimitEvents = [.. names.Where(config.IsLimit).Order(StringComparer.Ordinal)];
        PricingEvents = [.. names.Where(config.IsPricing).Order(StringComparer.Ordinal)];
        var excluded = ExcludedAttributes(workspace);
        SizeAttribute = FindSizeAttribute(store, config, excluded);

        foreach (var family in FeatureFamilyNames.Each)
        {
            if ((families & family) == 0 || (config.ExcludedFamilies & family) != 0)
                continue;
            var defs = family switch
            {
                FeatureFamilies.Activity => Activity(),
                FeatureFamilies.Product => ProductFamily(),
                FeatureFamilies.Kind => KindFamily(),
                FeatureFamilies.Adoption => Adoption(),
                FeatureFamilies.Synergy => Synergy(),
                FeatureFamilies.Stickiness => Stickiness(),
                FeatureFamilies.Integration => Integration(),
                FeatureFamilies.Collaboration => Collaboration(),
                FeatureFamilies.EventName => EventNameFamily(),
                FeatureFamilies.Cadence => Cadence(),
                FeatureFamilies.Automation => Automation(),
                FeatureFamilies.Monetization => Monetization(),
                FeatureFamilies.Champion => Champion(),
                FeatureFamilies.Interaction => Interaction(),
                FeatureFamilies.Metric => MetricFamily(),
                _ => Firmographics(store, excluded),
            };
            foreach (var d in defs)
            {
                if ((d.Level & EntityLevel.Account) != 0)
                    Add(_account, d);
                if ((d.Level & EntityLevel.User) != 0)
                    Add(_user, d);
            }
        }
    }

    private static void Add(List<FeatureDefinition> list, FeatureDefinition d)
    {
        foreach (var existing in list)
        {
            if (existing.Name == d.Name)
                return; // first definition of a name wins (e.g. an attribute named like a built-in feature)
        }
        list.Add(d);
    }

    private static List<string> ProductsByFrequency(EventCounts counts) =>
        [.. counts.Products.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key)];

    /// <summary>
    /// Names seen in at least <see cref="FeatureConfig.MinEventNameCount"/> events, at most
    /// <see cref="FeatureConfig.MaxEventNames"/> of them by frequency, get columns; the others are pooled. Like the other
    /// dictionaries this fixes the catalogue's shape only (from the whole store, as the product list does): values are
    /// still computed from events up to each cutoff. With a minimum of 0 every dictionary name gets columns (up to the cap).
    /// </summary>
    private static (string[] Named, ImmutableArray<string> Pooled) EventNamesByFrequency(EventCounts counts, FeatureConfig config)
    {
        var ordered = counts.Names.Where(n => n.Value > 0 || config.MinEventNameCount == 0)
            .OrderByDescending(n => n.Value).ThenBy(n => n.Key, StringComparer.Ordinal).ToList();
        var named = ordered.Where(n => n.Value >= config.MinEventNameCount).Take(config.MaxEventNames).Select(n => n.Key).ToHashSet(StringComparer.Ordinal);
        return ([.. named.Order(StringComparer.Ordinal)], [.. ordered.Select(n => n.Key).Where(n => !named.Contains(n)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>As for event names: names with at least <see cref="FeatureConfig.MinMetricRows"/> rows, at most
    /// <see cref="FeatureConfig.MaxMetricNames"/> of them by row count, get columns; the others are pooled.</summary>
    private static (string[] Named, ImmutableArray<string> Pooled) MetricNamesByFrequency(MetricTable metrics, FeatureConfig config)
    {
        var counts = new long[metrics.Names.Count];
        foreach (var n in metrics.Name)
            counts[n]++;
        var codes = Enumerable.Range(0, counts.Length).Where(n => counts[n] > 0)
            .OrderByDescending(n => counts[n]).ThenBy(n => metrics.Names[n], StringComparer.Ordinal).ToList();
        var named = codes.Where(n => counts[n] >= config.MinMetricRows).Take(config.MaxMetricNames).ToHashSet();
        return ([.. named.Select(n => metrics.Names[n]).Order(StringComparer.Ordinal)],
            [.. codes.Where(n => !named.Contains(n)).Select(n => metrics.Names[n]).Order(StringComparer.Ordinal)]);
    }

    private static string[] TopIntegrationKinds(EventCounts counts, FeatureConfig config) =>
        [.. counts.IntegrationKinds.Where(v => v.Value > 0).OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal)
            .Take(config.MaxIntegrationKinds).Select(v => v.Key).Order(StringComparer.Ordinal)];

    private static HashSet<string> ExcludedAttributes(WorkspaceConfig? workspace)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (workspace is null)
            return set;
        set.UnionWith(workspace.Data.ExcludeAttributes);
        foreach (var g in workspace.Goals)
        {
            if (g.Condition is AttributeCondition a)
                set.Add(a.Column);
            if (g.Condition is LabelColumnCondition label)
            {
                set.Add(label.Column); // the outcome itself
                if (label.DateColumn is { } date)
                    set.Add(date);
            }
        }
        return set;
    }

    /// <summary>The snake_case name of a product inside feature names (unique among <see cref="Products"/>).</summary>
    public string ProductKey(string product) => _productKeys.TryGetValue(product, out var key) ? key : Snake(product);

    /// <summary>Lowercase snake_case for a name inside a feature name: <c>Docs Pro</c> -> <c>docs_pro</c>.</summary>
    public static string Snake(string name)
    {
        var chars = new char[name.Length];
        var n = 0;
        foreach (var c in name)
        {
            var lc = char.ToLowerInvariant(c);
            if (char.IsAsciiLetterOrDigit(lc))
                chars[n++] = lc;
            else if (n > 0 && chars[n - 1] != '_')
                chars[n++] = '_';
        }
        while (n > 0 && chars[n - 1] == '_')
            n--;
        return n == 0 ? "unnamed" : new string(chars, 0, n);
    }
}
