using System.Globalization;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Scoring;

/// <summary>
/// Turns scores into tiers, from the <c>tiers</c> section of <c>pql.yaml</c>: per goal or <c>default</c>, by score thresholds
/// (highest tier first) or by top percentiles, optionally with per-segment thresholds chosen by an attribute.
/// Without configuration: high_touch when score &gt;= 0.6, assisted when &gt;= 0.3, else nurture.
/// </summary>
public sealed class TierPolicy
{
    /// <summary>The tier below every configured one.</summary>
    public const string FloorTier = "nurture";

    private readonly TierBands _base;
    private readonly string? _segmentAttribute;
    private readonly Dictionary<string, TierBands> _segments;

    private TierPolicy(TierBands bands, string? segmentAttribute, Dictionary<string, TierBands> segments)
    {
        _base = bands;
        _segmentAttribute = segmentAttribute;
        _segments = segments;
    }

    /// <summary>high_touch &gt;= 0.6, assisted &gt;= 0.3, else nurture.</summary>
    public static TierPolicy Default { get; } = new(new TierBands(false, [("high_touch", 0.6), ("assisted", 0.3)]), null, []);

    /// <summary>Tier names, highest first, ending with <see cref="FloorTier"/>.</summary>
    /// <summary>The attribute whose value picks per-segment thresholds, or null when tiers are not segmented.</summary>
    public string? SegmentAttribute => _segmentAttribute;

    public IReadOnlyList<string> TierNames => [.. _base.Bands.Select(b => b.Name), FloorTier];

    public static TierPolicy Parse(WorkspaceConfig config, string goal)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("tiers");
        if (section is null)
            return Default;
        var r = config.Reader;
        var node = YamlConfigReader.Child(section, goal) ?? YamlConfigReader.Child(section, "default");
        if (node is null || YamlConfigReader.IsNull(node))
            return Default;
        var key = YamlConfigReader.Child(section, goal) is null ? "tiers.default" : $"tiers.{goal}";
        var map = r.RequireMap(node, key);

        TierBands bands;
        if (YamlConfigReader.Child(map, "percentiles") is { } p)
            bands = ParseBands(r, r.RequireMap(p, $"{key}.percentiles"), $"{key}.percentiles", percentiles: true);
        else if (YamlConfigReader.Child(map, "thresholds") is { } t)
            bands = ParseBands(r, r.RequireMap(t, $"{key}.thresholds"), $"{key}.thresholds", percentiles: false);
        else
            bands = ParseBands(r, map, key, percentiles: false, skip: "segments");

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
                segments[name] = ParseBands(r, r.RequireMap(v, $"{key}.segments.{name}"), $"{key}.segments.{name}", percentiles: false);
            }
        }
        return new TierPolicy(bands, attribute, segments);
    }

    private static TierBands ParseBands(YamlConfigReader r, YamlMappingNode map, string key, bool percentiles, string? skip = null)
    {
        var list = new List<(string, double)>();
        foreach (var (k, _) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            if (name == skip || name is "percentiles" or "thresholds")
                continue;
            var value = r.Number(map, name, $"{key}.{name}") ?? throw r.Error(k, $"{key}.{name}", "needs a number");
            if (percentiles ? value is <= 0 or > 100 : value is < 0 or > 1)
                throw r.Error(k, $"{key}.{name}", percentiles ? "a top percentile must be in (0, 100]" : "a score threshold must be in [0, 1]");
            if (name == FloorTier)
                throw r.Error(k, $"{key}.{name}", $"'{FloorTier}' is the tier below every threshold; it takes no value");
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

    private static string Pick(double score, TierBands bands, double[]? cuts)
    {
        for (var b = 0; b < bands.Bands.Length; b++)
        {
            if (score >= (cuts is null ? bands.Bands[b].Cut : cuts[b]))
                return bands.Bands[b].Name;
        }
        return FloorTier;
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
        + $", else {FloorTier}";

    private sealed record TierBands(bool Percentiles, (string Name, double Cut)[] Bands);
}
