using System.Globalization;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Scoring;

/// <summary>
/// Turns scores into tiers, from the <c>tiers</c> section of <c>pql.yaml</c>: per goal or <c>default</c>, by score thresholds
/// (highest tier first) or by top percentiles, optionally with per-segment thresholds chosen by an attribute.
/// Without configuration the names follow the goal: a risk goal (churn: <c>inactive_for</c>, or a name with churn, cancel,
/// attrition or lapse) is at_risk when score &gt;= 0.6, watch when &gt;= 0.3, else healthy; any other goal is high_touch,
/// assisted, else nurture. <c>floor: NAME</c> in a tiers map names the tier below every threshold (default nurture).
/// </summary>
public sealed class TierPolicy
{
    /// <summary>The tier below every configured one when a growth goal names none.</summary>
    public const string FloorTier = "nurture";

    /// <summary>The tier below every configured one when a risk (churn) goal names none.</summary>
    public const string RiskFloorTier = "healthy";

    private readonly TierBands _base;
    private readonly string? _segmentAttribute;
    private readonly Dictionary<string, TierBands> _segments;

    private TierPolicy(TierBands bands, string? segmentAttribute, Dictionary<string, TierBands> segments, string floor = FloorTier)
    {
        _base = bands;
        _segmentAttribute = segmentAttribute;
        _segments = segments;
        Floor = floor;
    }

    /// <summary>high_touch &gt;= 0.6, assisted &gt;= 0.3, else nurture.</summary>
    public static TierPolicy Default { get; } = new(new TierBands(false, [("high_touch", 0.6), ("assisted", 0.3)]), null, []);

    /// <summary>True when tiers are top percentiles: a row's tier depends on every other row's score.</summary>
    public bool RanksWithinRows => _base.Percentiles;

    /// <summary>at_risk &gt;= 0.6, watch &gt;= 0.3, else healthy: the default of a churn goal, whose top tier needs saving, not selling.</summary>
    public static TierPolicy RiskDefault { get; } = new(new TierBands(false, [("at_risk", 0.6), ("watch", 0.3)]), null, [], RiskFloorTier);

    /// <summary>The tier below every threshold.</summary>
    public string Floor { get; }

    /// <summary>Tier names, highest first, ending with <see cref="Floor"/> (segment-only names included before it).</summary>
    public IReadOnlyList<string> TierNames =>
        [.. _base.Bands.Select(b => b.Name).Concat(_segments.Values.SelectMany(s => s.Bands.Select(b => b.Name))).Distinct(StringComparer.Ordinal), Floor];

    /// <summary>The unconfigured policy of a goal: <see cref="RiskDefault"/> for churn-like goals, else <see cref="Default"/>.</summary>
    public static TierPolicy DefaultFor(GoalDefinition? goal) => IsRiskGoal(goal) ? RiskDefault : Default;

    /// <summary>A goal whose achievement is a loss (inactivity, or named churn / cancel / attrition / lapse).</summary>
    public static bool IsRiskGoal(GoalDefinition? goal) =>
        goal is not null && (goal.Condition is InactiveCondition
            || RiskWords.Any(w => goal.Name.Contains(w, StringComparison.OrdinalIgnoreCase)));

    private static readonly string[] RiskWords = ["churn", "cancel", "attrition", "lapse"];
    /// <summary>The attribute whose value picks per-segment thresholds, or null when tiers are not segmented.</summary>
    public string? SegmentAttribute => _segmentAttribute;


    public static TierPolicy Parse(WorkspaceConfig config, string goal)
    {
        ArgumentNullException.ThrowIfNull(config);
        var fallback = DefaultFor(config.Goals.FirstOrDefault(g => g.Name == goal));
        var section = config.Section("tiers");
        if (section is null)
            return fallback;
        var r = config.Reader;
        var node = YamlConfigReader.Child(section, goal) ?? YamlConfigReader.Child(section, "default");
        if (node is null || YamlConfigReader.IsNull(node))
            return fallback;
        var key = YamlConfigReader.Child(section, goal) is null ? "tiers.default" : $"tiers.{goal}";
        var map = r.RequireMap(node, key);
        // A configured map without 'floor' keeps nurture, as before per-goal names, so existing triggers stay valid.
        var floor = r.Scalar(map, "floor", $"{key}.floor") ?? FloorTier;

        TierBands bands;
        if (YamlConfigReader.Child(map, "percentiles") is { } p)
            bands = ParseBands(r, r.RequireMap(p, $"{key}.percentiles"), $"{key}.percentiles", percentiles: true, floor);
        else if (YamlConfigReader.Child(map, "thresholds") is { } t)
            bands = ParseBands(r, r.RequireMap(t, $"{key}.thresholds"), $"{key}.thresholds", percentiles: false, floor);
        else
            bands = ParseBands(r, map, key, percentiles: false, floor);

        string? attribute = null;
        var segments = new Dictionary<string, TierBands>(StringComparer.Ordinal);
        if (r.Map(map, "segments", $"{key}.segments") is { } seg)
        {
            attribute = r.RequireScalar(seg, "attribute", $"{key}.segments.attribute");
            foreach (var (k, v) in seg.Children)
            {
                var name = ((YamlScalarNode)k).Value ?? "";
                if (name == "attribute")
                    continue;
                segments[name] = ParseBands(r, r.RequireMap(v, $"{key}.segments.{name}"), $"{key}.segments.{name}", percentiles: false, floor);
            }
        }
        return new TierPolicy(bands, attribute, segments, floor);
    }

    private static TierBands ParseBands(YamlConfigReader r, YamlMappingNode map, string key, bool percentiles, string floor)
    {
        var list = new List<(string, double)>();
        foreach (var (k, _) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            if (name is "segments" or "percentiles" or "thresholds" or "floor")
                continue;
            var value = r.Number(map, name, $"{key}.{name}") ?? throw r.Error(k, $"{key}.{name}", "needs a number");
            if (percentiles ? value is <= 0 or > 100 : value is < 0 or > 1)
                throw r.Error(k, $"{key}.{name}", percentiles ? "a top percentile must be in (0, 100]" : "a score threshold must be in [0, 1]");
            if (name == floor)
                throw r.Error(k, $"{key}.{name}", $"'{floor}' is the tier below every threshold; it takes no value");
            if (list.Count > 0 && (percentiles ? value <= list[^1].Item2 : value >= list[^1].Item2))
                throw r.Error(k, $"{key}.{name}", percentiles
                    ? "list tiers highest first: each top percentile must be larger than the one before"
                    : "list tiers highest first: each threshold must be lower than the one before");
            list.Add((name, value));
        }
        if (list.Count == 0)
            throw r.Error(map, key, "needs at least one tier, e.g. { high_touch: 0.6, assisted: 0.3 }");
        return new TierBands(percentiles, [.. list]);
    }

    /// <summary>The rows with their tier set by this policy (percentile tiers rank within the rows given).</summary>
    public IReadOnlyList<EntityScore> Assign(IReadOnlyList<EntityScore> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scores = new double[rows.Count];
        var attrs = new IReadOnlyDictionary<string, string>?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            scores[i] = rows[i].Score;
            attrs[i] = rows[i].Attributes;
        }
        var tiers = Assign(scores, attrs);
        var result = new EntityScore[rows.Count];
        for (var i = 0; i < rows.Count; i++)
            result[i] = rows[i] with { Tier = tiers[i] };
        return result;
    }

    /// <summary>The run with every row's tier set by this policy.</summary>
    public ScoreRun Apply(ScoreRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run with { Rows = Assign(run.Rows) };
    }

    /// <summary>Tier per score; <paramref name="attributes"/> (parallel to scores) picks segment thresholds when configured.</summary>
    public string[] Assign(ReadOnlySpan<double> scores, IReadOnlyList<IReadOnlyDictionary<string, string>?>? attributes = null)
    {
        var cuts = _base.Percentiles ? PercentileCuts(scores, _base) : null;
        var tiers = new string[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var bands = _base;
            if (_segmentAttribute is not null && attributes?[i] is { } a && a.TryGetValue(_segmentAttribute, out var seg)
                && _segments.TryGetValue(seg, out var segBands))
                bands = segBands;
            tiers[i] = ReferenceEquals(bands, _base) && cuts is not null ? Pick(scores[i], _base, cuts) : Pick(scores[i], bands, null);
        }
        return tiers;
    }

    private string Pick(double score, TierBands bands, double[]? cuts)
    {
        for (var b = 0; b < bands.Bands.Length; b++)
        {
            if (score >= (cuts is null ? bands.Bands[b].Cut : cuts[b]))
                return bands.Bands[b].Name;
        }
        return Floor;
    }

    /// <summary>Score cut per band: the k-th highest score where k = ceil(percentile% of n); ties share the higher tier.</summary>
    private static double[] PercentileCuts(ReadOnlySpan<double> scores, TierBands bands)
    {
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        var cuts = new double[bands.Bands.Length];
        for (var b = 0; b < cuts.Length; b++)
        {
            var k = (int)Math.Ceiling(bands.Bands[b].Cut * sorted.Length / 100.0 - 1e-9);
            cuts[b] = k <= 0 || sorted.Length == 0 ? double.PositiveInfinity : sorted[sorted.Length - Math.Min(k, sorted.Length)];
        }
        return cuts;
    }

    public override string ToString() =>
        string.Join(", ", _base.Bands.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Name} {(_base.Percentiles ? "top " + b.Cut + "%" : ">= " + b.Cut)}")))
        + $", else {Floor}";

    private sealed record TierBands(bool Percentiles, (string Name, double Cut)[] Bands);
}
