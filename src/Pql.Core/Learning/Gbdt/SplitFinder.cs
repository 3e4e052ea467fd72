using System.Runtime.CompilerServices;

namespace Pql.Core.Learning.Gbdt;

/// <summary>The best split of one node on one feature (Feature &lt; 0 = none).</summary>
internal struct SplitInfo
{
    public int Feature;
    public int Bin;
    public bool DefaultLeft;
    public bool Categorical;
    public double Gain;
    public double GradLeft;
    public double HessLeft;

    public static SplitInfo None => new() { Feature = -1, Gain = double.NegativeInfinity };
}

/// <summary>
/// Exact-greedy split search over one feature's histogram (g/h interleaved per bin; bin 0 = missing).
/// Gain is XGBoost's: GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ); both children need hessian ≥ min_child_weight.
/// Missing values are tried on both sides and the better side becomes the learned default direction.
/// Categorical features use one-vs-rest splits (category k left, every other code right), which is what
/// one-hot encoding gives XGBoost.
/// </summary>
internal static class SplitFinder
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SplitInfo Best(ReadOnlySpan<double> hist, int feature, bool categorical, double g, double h,
        double lambda, double minChildWeight)
    {
        var best = SplitInfo.None;
        var bins = hist.Length / 2;
        var gm = hist[0];
        var hm = hist[1];
        var hasMissing = hm > 0 || gm != 0;
        var parent = g * g / (h + lambda);
        var gl = 0.0;
        var hl = 0.0;
        var last = categorical ? Math.Min(bins - 1, BinCuts.MaxCategoryBin) : bins - 2;
        for (var t = 1; t <= last; t++)
        {
            var bg = hist[2 * t];
            var bh = hist[2 * t + 1];
            if (bh == 0 && bg == 0)
                continue;
            if (categorical)
            {
                gl = bg;
                hl = bh;
            }
            else
            {
                gl += bg;
                hl += bh;
            }
            // Missing right.
            Consider(ref best, feature, t, categorical, false, gl, hl, g, h, parent, lambda, minChildWeight);
            if (hasMissing)
                Consider(ref best, feature, t, categorical, true, gl + gm, hl + hm, g, h, parent, lambda, minChildWeight);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Consider(ref SplitInfo best, int feature, int bin, bool categorical, bool defaultLeft,
        double gl, double hl, double g, double h, double parent, double lambda, double minChildWeight)
    {
        var hr = h - hl;
        if (hl < minChildWeight || hr < minChildWeight)
            return;
        var gr = g - gl;
        var gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent;
        if (gain > best.Gain)
        {
            best.Feature = feature;
            best.Bin = bin;
            best.Categorical = categorical;
            best.DefaultLeft = defaultLeft;
            best.Gain = gain;
            best.GradLeft = gl;
            best.HessLeft = hl;
        }
    }

    /// <summary>Leaf weight −G/(H+λ) before the learning rate.</summary>
    public static double LeafWeight(double g, double h, double lambda) => -g / (h + lambda);
}
