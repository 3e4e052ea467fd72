namespace Pql.Core.Governance;

/// <summary>
/// Distances between a reference distribution (the training snapshot) and the current one, each on a scale where one threshold
/// (default 0.1) means the same thing for every feature (docs/GOVERNANCE.md, "Drift"):
/// <list type="bullet">
/// <item>numeric: the Wasserstein-1 distance between the non-missing values, divided by the reference's standard deviation (so
/// 0.1 = the values moved by a tenth of their usual spread), or the change in the missing share when that is larger;</item>
/// <item>categorical: the Jensen-Shannon distance with base-2 logarithms (the square root of the divergence, in [0, 1]);</item>
/// <item>PSI beside both, on the reference deciles (numeric, with a missing bin) or the levels (categorical), shares floored at 1e-4.</item>
/// </list>
/// </summary>
public static class DriftMeasures
{
    private const double Floor = 1e-4;

    /// <summary>
    /// Wasserstein-1 between two distributions given by their quantiles at the same levels: the mean absolute difference of the
    /// quantile functions (W1 = ∫|F⁻¹(u) − G⁻¹(u)| du, evaluated at the 100 mid-levels).
    /// </summary>
    public static double Wasserstein(ReadOnlySpan<double> referenceQuantiles, ReadOnlySpan<double> currentQuantiles)
    {
        if (referenceQuantiles.Length != currentQuantiles.Length)
            throw new ArgumentException("quantiles at the same levels are required");
        if (referenceQuantiles.Length == 0)
            return 0;
        var sum = 0.0;
        for (var i = 0; i < referenceQuantiles.Length; i++)
            sum += Math.Abs(referenceQuantiles[i] - currentQuantiles[i]);
        return sum / referenceQuantiles.Length;
    }

    /// <summary>
    /// The numeric drift distance: W1 in units of the reference's standard deviation (the current one's when the reference is
    /// constant, 1 when both are), or the change in the missing share when larger.
    /// </summary>
    public static double NumericDistance(FeatureDistribution reference, FeatureDistribution current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var missing = Math.Abs(current.MissingShare - reference.MissingShare);
        if (reference.Quantiles.Length == 0 || current.Quantiles.Length == 0)
            return missing;
        var scale = reference.Std > 0 ? reference.Std : current.Std > 0 ? current.Std : 1;
        return Math.Max(Wasserstein(reference.Quantiles, current.Quantiles) / scale, missing);
    }

    /// <summary>Jensen-Shannon distance (base 2, in [0, 1]) between two sets of shares by level; a level absent on one side has share 0 there.</summary>
    public static double JensenShannon(IReadOnlyDictionary<string, double> reference, IReadOnlyDictionary<string, double> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var divergence = 0.0;
        foreach (var level in reference.Keys.Union(current.Keys))
        {
            var p = reference.GetValueOrDefault(level);
            var q = current.GetValueOrDefault(level);
            var m = (p + q) / 2;
            if (p > 0)
                divergence += 0.5 * p * Math.Log2(p / m);
            if (q > 0)
                divergence += 0.5 * q * Math.Log2(q / m);
        }
        return Math.Sqrt(Math.Clamp(divergence, 0, 1));
    }

    /// <summary>Population stability index over matching bins: Σ (c − r) ln(c / r), shares floored at 1e-4.</summary>
    public static double Psi(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        if (reference.Length != current.Length)
            throw new ArgumentException("the same bins are required");
        var psi = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            var r = Math.Max(reference[i], Floor);
            var c = Math.Max(current[i], Floor);
            psi += (c - r) * Math.Log(c / r);
        }
        return psi;
    }

    /// <summary>PSI over the union of levels.</summary>
    public static double Psi(IReadOnlyDictionary<string, double> reference, IReadOnlyDictionary<string, double> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var levels = reference.Keys.Union(current.Keys).ToArray();
        var r = new double[levels.Length];
        var c = new double[levels.Length];
        for (var i = 0; i < levels.Length; i++)
        {
            r[i] = reference.GetValueOrDefault(levels[i]);
            c[i] = current.GetValueOrDefault(levels[i]);
        }
        return Psi(r, c);
    }
}
