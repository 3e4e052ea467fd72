using System.Collections.Immutable;
using System.Globalization;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Features;

/// <summary>
/// The <c>event_kinds</c> and <c>features</c> sections of pql.yaml. Both are optional; event names not listed
/// under <c>event_kinds</c> get a kind by name pattern (see <see cref="KindOf"/>).
/// </summary>
public sealed record FeatureConfig
{
    /// <summary>The defaults: no explicit kinds, windows 7/30/90 days, property <c>integration</c>.</summary>
    public static FeatureConfig Default { get; } = new();

    /// <summary>Event name -> kind from <c>event_kinds</c>; these win over the name patterns.</summary>
    public IReadOnlyDictionary<string, EventKind> ExplicitKinds { get; init; } = ImmutableDictionary<string, EventKind>.Empty;
    /// <summary>The event property naming the integration (e.g. slack). Default <c>integration</c>.</summary>
    public string IntegrationKindProperty { get; init; } = "integration";
    /// <summary>Activity windows in days, ascending. Default 7, 30, 90.</summary>
    public IReadOnlyList<int> WindowDays { get; init; } = [7, 30, 90];
    /// <summary>Products with their own columns (most frequent first). Default 20.</summary>
    public int MaxProducts { get; init; } = 20;
    /// <summary>Products that get pairwise synergy columns and adoption-order levels. Default 8.</summary>
    public int MaxPairProducts { get; init; } = 8;
    /// <summary>Integration values (by frequency) that get their own count column. Default 10.</summary>
    public int MaxIntegrationKinds { get; init; } = 10;
    /// <summary>Event names with their own columns in the event family, the most frequent first.</summary>
    public int MaxEventNames { get; init; } = 40;
    /// <summary>Event names seen fewer times than this are pooled into <c>event.other_names</c>.</summary>
    public int MinEventNameCount { get; init; } = 50;
    /// <summary>Metric names (of the metrics table) with their own columns in the metric family, the most frequent first.</summary>
    public int MaxMetricNames { get; init; } = 40;
    /// <summary>Metric names with fewer rows than this are pooled into <c>metric.other_metrics</c>.</summary>
    public int MinMetricRows { get; init; } = 20;
    /// <summary>Invite events; null = collaboration events whose name contains <c>invite</c>.</summary>
    public IReadOnlyList<string>? InviteEvents { get; init; }
    /// <summary>Share events; null = collaboration events whose name contains <c>share</c>.</summary>
    public IReadOnlyList<string>? ShareEvents { get; init; }
    /// <summary>Events that create content; null = feature-use events whose name contains <c>create</c>.</summary>
    public IReadOnlyList<string>? CreatorEvents { get; init; }

    /// <summary>Machine events besides those without a user; null = names with a word such as <c>run</c>, <c>sync</c>, <c>webhook</c>, <c>api</c>, <c>cron</c>, <c>bot</c>, <c>system</c>.</summary>
    public IReadOnlyList<string>? AutomatedEvents { get; init; }
    /// <summary>Plan-limit events; null = names with a word such as <c>limit</c>, <c>quota</c>, <c>paywall</c>, <c>exceeded</c>, <c>overage</c>.</summary>
    public IReadOnlyList<string>? LimitEvents { get; init; }
    /// <summary>Pricing-intent events; null = names with a word such as <c>pricing</c>, <c>price</c>, <c>checkout</c>, <c>upgrade</c>, <c>trial</c>.</summary>
    public IReadOnlyList<string>? PricingEvents { get; init; }
    /// <summary>The numeric account attribute measuring company size; null = the first of employees, headcount, company_size, size.</summary>
    public string? SizeAttribute { get; init; }
    /// <summary>Families left out of every catalogue (<c>features.exclude_families</c>), e.g. to measure what one adds in a backtest.</summary>
    public FeatureFamilies ExcludedFamilies { get; init; }

    private static readonly string[] s_automatedWords = ["run", "runs", "sync", "synced", "webhook", "api", "cron", "scheduled", "bot", "system", "automated", "job", "import", "imported"];
    private static readonly string[] s_limitWords = ["limit", "limits", "quota", "paywall", "exceeded", "overage", "throttled", "capped"];
    private static readonly string[] s_pricingWords = ["pricing", "price", "prices", "checkout", "upgrade", "trial", "plans"];

    public bool IsAutomated(string eventName) => AutomatedEvents?.Contains(eventName) ?? HasWord(eventName, s_automatedWords);

    public bool IsLimit(string eventName) => LimitEvents?.Contains(eventName) ?? HasWord(eventName, s_limitWords);

    /// <summary>A pricing event unless it is a limit event (<c>plan_limit_reached</c> is a limit).</summary>
    public bool IsPricing(string eventName) => PricingEvents?.Contains(eventName) ?? (!IsLimit(eventName) && HasWord(eventName, s_pricingWords));

    /// <summary>Whether one of the name's words (split at anything not a letter or digit, case-insensitive) is in <paramref name="words"/>.</summary>
    private static bool HasWord(string name, string[] words)
    {
        foreach (var part in name.Split(['_', '-', '.', ' ', ':', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var w in words)
            {
                if (part.Equals(w, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Event property keys ingestion must keep for the features.</summary>
    public IReadOnlyList<string> PropertyKeysNeeded => [IntegrationKindProperty];

    /// <summary>
    /// The kind of an event name: <c>event_kinds</c> first, then by pattern (case-insensitive):
    /// <c>integration_added</c>/<c>*integration*</c> -> integration; <c>user_invited</c>/<c>*invite*</c>/<c>*_shared</c>/<c>*share*</c>
    /// -> collaboration; <c>subscription*</c>/<c>seats*</c>/<c>plan*</c>/<c>billing*</c> -> lifecycle; anything else feature use.
    /// </summary>
    public EventKind KindOf(string eventName)
    {
        if (ExplicitKinds.TryGetValue(eventName, out var kind))
            return kind;
        var n = eventName.ToLowerInvariant();
        if (n.Contains("integration", StringComparison.Ordinal))
            return EventKind.Integration;
        if (n.Contains("invite", StringComparison.Ordinal) || n.Contains("share", StringComparison.Ordinal))
            return EventKind.Collaboration;
        if (n.StartsWith("subscription", StringComparison.Ordinal) || n.StartsWith("seats", StringComparison.Ordinal)
            || n.StartsWith("plan", StringComparison.Ordinal) || n.StartsWith("billing", StringComparison.Ordinal))
            return EventKind.Lifecycle;
        return EventKind.FeatureUse;
    }

    public bool IsInvite(string eventName) =>
        InviteEvents?.Contains(eventName)
        ?? (KindOf(eventName) == EventKind.Collaboration && eventName.Contains("invite", StringComparison.OrdinalIgnoreCase));

    public bool IsShare(string eventName) =>
        ShareEvents?.Contains(eventName)
        ?? (KindOf(eventName) == EventKind.Collaboration && eventName.Contains("share", StringComparison.OrdinalIgnoreCase));

    public bool IsCreator(string eventName) =>
        CreatorEvents?.Contains(eventName)
        ?? (KindOf(eventName) == EventKind.FeatureUse && eventName.Contains("create", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <c>event_kinds</c> and <c>features</c> from a parsed workspace; errors name line and key.</summary>
    public static FeatureConfig Parse(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var r = config.Reader;
        var result = Default;
        if (config.Section("event_kinds") is { } kinds)
            result = result with { ExplicitKinds = ParseKinds(r, kinds) };
        if (config.Section("features") is { } node)
            result = ParseKnobs(r, node, result);
        return result;
    }

    private static Dictionary<string, EventKind> ParseKinds(YamlConfigReader r, YamlMappingNode node)
    {
        var map = new Dictionary<string, EventKind>(StringComparer.Ordinal);
        foreach (var (k, _) in node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var kind = EventKindNames.Parse(name)
                ?? throw r.Error(k, $"event_kinds.{name}", "unknown event kind; expected one of: feature_use, integration, collaboration, lifecycle");
            foreach (var ev in r.ScalarList(node, name, $"event_kinds.{name}"))
            {
                if (ev.Length == 0)
                    throw r.Error(k, $"event_kinds.{name}", "an event name is empty");
                if (!map.TryAdd(ev, kind) && map[ev] != kind)
                    throw r.Error(k, $"event_kinds.{name}", $"event '{ev}' is already of kind '{EventKindNames.Of(map[ev])}'");
            }
        }
        return map;
    }

    private static FeatureConfig ParseKnobs(YamlConfigReader r, YamlMappingNode node, FeatureConfig result)
    {
        r.AllowOnly(node, "features", "integration_kind_property", "windows", "max_products", "max_pair_products",
            "max_integration_kinds", "invite_events", "share_events", "creator_events", "automated_events", "limit_events", "pricing_events",
            "size_attribute", "exclude_families");
        var size = r.Scalar(node, "size_attribute", "features.size_attribute");
        if (size is { Length: 0 })
            throw r.Error(node, "features.size_attribute", "must not be empty");
        var property = r.Scalar(node, "integration_kind_property", "features.integration_kind_property");
        if (property is { Length: 0 })
            throw r.Error(node, "features.integration_kind_property", "must not be empty");
        return result with
        {
            IntegrationKindProperty = property ?? result.IntegrationKindProperty,
            WindowDays = ParseWindows(r, node) ?? result.WindowDays,
            MaxProducts = Count(r, node, "max_products", 1, 60) ?? result.MaxProducts,
            MaxPairProducts = Count(r, node, "max_pair_products", 0, 12) ?? result.MaxPairProducts,
            MaxIntegrationKinds = Count(r, node, "max_integration_kinds", 0, 100) ?? result.MaxIntegrationKinds,
            InviteEvents = Names(r, node, "invite_events"),
            ShareEvents = Names(r, node, "share_events"),
            CreatorEvents = Names(r, node, "creator_events"),
            AutomatedEvents = Names(r, node, "automated_events"),
            LimitEvents = Names(r, node, "limit_events"),
            PricingEvents = Names(r, node, "pricing_events"),
            SizeAttribute = size,
            ExcludedFamilies = ParseFamilies(r, node),
        };
    }

    private static FeatureFamilies ParseFamilies(YamlConfigReader r, YamlMappingNode node)
    {
        var names = r.ScalarList(node, "exclude_families", "features.exclude_families");
        var result = FeatureFamilies.None;
        foreach (var name in names)
        {
            var family = FeatureFamilyNames.Each.FirstOrDefault(f => FeatureFamilyNames.Of(f) == name);
            if (family == FeatureFamilies.None)
                throw r.Error(YamlConfigReader.Child(node, "exclude_families")!, "features.exclude_families",
                    $"'{name}' is not a feature family; expected any of: {string.Join(", ", FeatureFamilyNames.Each.Select(FeatureFamilyNames.Of))}");
            result |= family;
        }
        return result;
    }

    private static int[]? ParseWindows(YamlConfigReader r, YamlMappingNode node)
    {
        var items = r.ScalarList(node, "windows", "features.windows");
        if (items.Count == 0)
            return null;
        var at = YamlConfigReader.Child(node, "windows")!;
        var days = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var text = items[i].EndsWith('d') ? items[i][..^1] : items[i];
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days[i]) || days[i] is < 1 or > 3650)
                throw r.Error(at, "features.windows", $"'{items[i]}' is not a number of days between 1 and 3650 (e.g. 30 or 30d)");
            if (i > 0 && days[i] <= days[i - 1])
                throw r.Error(at, "features.windows", "windows must be listed in ascending order without repeats (e.g. [7, 30, 90])");
        }
        if (days.Length < 2)
            throw r.Error(at, "features.windows", "give at least two windows (the trend compares the first two)");
        return days;
    }

    private static int? Count(YamlConfigReader r, YamlMappingNode node, string key, int min, int max)
    {
        var v = r.Number(node, key, $"features.{key}");
        if (v is null)
            return null;
        if (v != Math.Floor(v.Value) || v < min || v > max)
            throw r.Error(YamlConfigReader.Child(node, key)!, $"features.{key}", $"must be a whole number between {min} and {max}");
        return (int)v.Value;
    }

    private static string[]? Names(YamlConfigReader r, YamlMappingNode node, string key) =>
        YamlConfigReader.Child(node, key) is null ? null : [.. r.ScalarList(node, key, $"features.{key}")];
}
