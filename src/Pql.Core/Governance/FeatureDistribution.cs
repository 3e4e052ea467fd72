using Pql.Core.Features;

namespace Pql.Core.Governance;

/// <summary>
/// One feature's (or the score's) distribution in a group of entities, compact enough to keep with a model version:
/// numeric values as 100 mid-quantiles of the non-missing values (for the Wasserstein distance), their standard deviation
/// (its scale) and a histogram on the distinct deciles with a missing bin (for PSI); categories as shares by level name.
/// </summary>
public sealed record FeatureDistribution
{
    public const string NumericKind = "numeric";
    public const string CategoricalKind = "categorical";
    public const string MissingLevel = "(missing)";

    /// <summary>Quantile levels kept: (i + 0.5) / 100 for i = 0..99.</summary>
    public const int QuantileCount = 100;

    public required string Feature { get; init; }
    public required string Kind { get; init; }
    public required int Rows { get; init; }
    public double MissingShare { get; init; }

    /// <summary>Standard deviation of the non-missing values (numeric).</summary>
    public double Std { get; init; }

    /// <summary>Mid-quantiles of the non-missing values (numeric; empty when every value is missing).</summary>
    public double[] Quantiles { get; init; } = [];

    /// <summary>Histogram edges: the distinct deciles (numeric). Bin k holds values ≤ Edges[k] and above the previous edge.</summary>
    public double[] Edges { get; init; } = [];

    /// <summary>Shares per bin: Edges.Length + 1 value bins, then the missing bin (numeric).</summary>
    public double[] Shares { get; init; } = [];

    /// <summary>Share of rows per level name, <see cref="MissingLevel"/> included when any is missing (categorical).</summary>
    public IReadOnlyDictionary<string, double> Categories { get; init; } = new Dictionary<string, double>();

    /// <summary>The distribution of a feature column over the given rows (all rows when null).</summary>
    public static FeatureDistribution Of(FeatureColumn column, int[]? rows = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        var values = Pick(column.Values, rows);
        return column.Kind == FeatureKind.Categorical
            ? Categorical(column.Name, values, column.Levels)
            : Numeric(column.Name, values);
    }

    /// <summary>A numeric distribution (NaN is missing).</summary>
    public static FeatureDistribution Numeric(string feature, ReadOnlySpan<double> values)
    {
        var present = Present(values);
        var missingShare = values.Length == 0 ? 0 : 1 - (double)present.Length / values.Length;
        var quantiles = MidQuantiles(present);
        var edges = present.Length == 0 ? [] : Deciles(present);
        return new FeatureDistribution
        {
            Feature = feature,
            Kind = NumericKind,
            Rows = values.Length,
            MissingShare = missingShare,
            Std = StandardDeviation(present),
            Quantiles = quantiles,
            Edges = edges,
            Shares = BinShares(values, edges),
        };
    }

    /// <summary>A categorical distribution: codes index <paramref name="levels"/>; NaN (or an unknown code) is missing.</summary>
    public static FeatureDistribution Categorical(string feature, ReadOnlySpan<double> codes, IReadOnlyList<string> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in codes)
        {
            var name = double.IsNaN(c) || c < 0 || c >= levels.Count ? MissingLevel : levels[(int)c];
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, n) in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
            shares[name] = (double)n / codes.Length;
        return new FeatureDistribution
        {
            Feature = feature,
            Kind = CategoricalKind,
            Rows = codes.Length,
            MissingShare = shares.GetValueOrDefault(MissingLevel),
            Categories = shares,
        };
    }

    /// <summary>Shares of <paramref name="values"/> in the bins of <paramref name="edges"/>, then the missing share.</summary>
    public static double[] BinShares(ReadOnlySpan<double> values, double[] edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var counts = new double[edges.Length + 2];
        foreach (var v in values)
        {
            if (double.IsNaN(v))
            {
                counts[^1]++;
                continue;
            }
            var at = Array.BinarySearch(edges, v);
            counts[at >= 0 ? at : ~at]++;
        }
        if (values.Length > 0)
        {
            for (var i = 0; i < counts.Length; i++)
                counts[i] /= values.Length;
        }
        return counts;
    }

    /// <summary>The 100 mid-quantiles of sorted values (nearest rank), or none for no values.</summary>
    public static double[] MidQuantiles(double[] sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
            return [];
        var q = new double[QuantileCount];
        for (var i = 0; i < q.Length; i++)
            q[i] = sorted[Math.Min(sorted.Length - 1, (int)((i + 0.5) / QuantileCount * sorted.Length))];
        return q;
    }

    /// <summary>The non-missing values, sorted.</summary>
    public static double[] Present(ReadOnlySpan<double> values)
    {
        var present = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
                present.Add(v);
        }
        var sorted = present.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private static double[] Deciles(double[] sorted)
    {
        var edges = new List<double>(9);
        for (var d = 1; d <= 9; d++)
        {
            var v = sorted[Math.Min(sorted.Length - 1, (int)(d / 10.0 * sorted.Length))];
            if (edges.Count == 0 || v > edges[^1])
                edges.Add(v);
        }
        return [.. edges];
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
            return 0;
        var mean = 0.0;
        foreach (var v in values)
            mean += v;
        mean /= values.Length;
        var ss = 0.0;
        foreach (var v in values)
            ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (values.Length - 1));
    }

    /// <summary>The values of the given rows (all when null) as doubles.</summary>
    internal static double[] Pick(float[] values, int[]? rows)
    {
        var n = rows?.Length ?? values.Length;
        var picked = new double[n];
        for (var i = 0; i < n; i++)
            picked[i] = values[rows is null ? i : rows[i]];
        return picked;
    }
}
