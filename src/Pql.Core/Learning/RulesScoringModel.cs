using Pql.Core.Features;

namespace Pql.Core.Learning;

/// <summary>
/// The operator's rules score: score = (Σ w_f · pct_f(x) + Σ_{w_f &lt; 0} |w_f|) / Σ |w_f|, in [0, 1], where pct_f(x)
/// is x's empirical percentile among the training rows (read on a grid of at most <see cref="GridSize"/> sorted
/// training values; missing = 0). Contribution of a feature = w_f · pct_f / Σ|w|; the base value is the
/// negative-weight offset.
/// </summary>
public sealed class RulesScoringModel : ScoringModel
{
    public const int GridSize = 1000;

    internal RulesScoringModel(FeatureSchema schema, double[] weights, float[][] grids)
        : base(schema)
    {
        Weights = weights;
        Grids = grids;
        foreach (var w in weights)
        {
            Total += Math.Abs(w);
            if (w < 0)
                Offset += -w;
        }
        Offset = Total > 0 ? Offset / Total : 0;
    }

    internal double[] Weights { get; }
    internal float[][] Grids { get; }
    private double Total { get; }
    private double Offset { get; }

    public override string Kind => "rules";

    /// <summary>Fits percentile grids for the weighted features (names must exist in <paramref name="train"/>).</summary>
    internal static RulesScoringModel Fit(FeatureMatrix train, IReadOnlyDictionary<string, double> weights)
    {
        var names = weights.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var kinds = new FeatureKind[names.Length];
        var levels = new IReadOnlyList<string>[names.Length];
        var w = new double[names.Length];
        var grids = new float[names.Length][];
        for (var i = 0; i < names.Length; i++)
        {
            var idx = train.IndexOf(names[i]);
            if (idx < 0)
                throw new ArgumentException($"rules weight on unknown feature '{names[i]}'", nameof(weights));
            var col = train.Columns[idx];
            kinds[i] = col.Kind;
            levels[i] = col.Levels;
            w[i] = weights[names[i]];
            grids[i] = Grid(col.Values);
        }
        return new RulesScoringModel(new FeatureSchema(names, kinds, levels), w, grids);
    }

    private static float[] Grid(float[] values)
    {
        var sorted = values.Where(v => !float.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        if (sorted.Length <= GridSize)
            return sorted;
        var grid = new float[GridSize];
        for (var k = 0; k < GridSize; k++)
            grid[k] = sorted[(int)((long)(k + 1) * sorted.Length / GridSize) - 1];
        return grid;
    }

    /// <summary>Fraction of grid values ≤ x (0 for missing or an empty grid).</summary>
    internal static double Percentile(float[] grid, float x)
    {
        if (float.IsNaN(x) || grid.Length == 0)
            return 0;
        int lo = 0, hi = grid.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (grid[mid] <= x)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (double)lo / grid.Length;
    }

    public override double[] PredictRaw(FeatureMatrix m)
    {
        var columns = Schema.Align(m);
        var result = new double[m.RowCount];
        for (var r = 0; r < result.Length; r++)
        {
            var s = Offset;
            for (var f = 0; f < Weights.Length; f++)
                s += Contribution(f, columns[f][r]);
            result[r] = s;
        }
        return result;
    }

    private double Contribution(int f, float x) => Total > 0 ? Weights[f] * Percentile(Grids[f], x) / Total : 0;

    internal override double RawToProbability(double raw) => raw;

    public override Explanation Explain(FeatureMatrix m, int row)
    {
        var x = AlignedRow(m, row);
        var phi = new double[Weights.Length];
        var s = Offset;
        for (var f = 0; f < phi.Length; f++)
        {
            phi[f] = Contribution(f, x[f]);
            s += phi[f];
        }
        return new Explanation(Offset, phi, s);
    }
}
