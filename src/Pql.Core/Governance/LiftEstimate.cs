namespace Pql.Core.Governance;

/// <summary>A rate with its 95% interval.</summary>
public sealed record RateInterval(int Count, int Total, double Rate, double Low, double High);

/// <summary>Treated against control for one playbook: both achievement rates and the absolute and relative lift, each with its 95% interval.</summary>
public sealed record LiftEstimate(RateInterval Treated, RateInterval Control, double AbsoluteLift, double AbsoluteLow, double AbsoluteHigh,
    double RelativeLift, double RelativeLow, double RelativeHigh)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z = 1.959963984540054;

    /// <summary>
    /// From counts only. Each rate: Wilson score interval. Absolute lift p1 - p0: Newcombe's hybrid score interval (method 10), built from
    /// the two Wilson intervals, which keeps its coverage with small counts and rates near 0 where the Wald interval does not. Relative lift
    /// p1 / p0 - 1: the Katz log interval of the risk ratio, exp(ln RR ± z·sqrt(1/x1 - 1/n1 + 1/x0 - 1/n0)); with no achiever in a group
    /// 0.5 is added to every cell first (Haldane). NaN where a group is empty.
    /// </summary>
    public static LiftEstimate FromCounts(int treatedAchieved, int treated, int controlAchieved, int control)
    {
        var t = Wilson(treatedAchieved, treated);
        var c = Wilson(controlAchieved, control);
        var diff = t.Rate - c.Rate;
        var low = diff - Math.Sqrt(Sq(t.Rate - t.Low) + Sq(c.High - c.Rate));
        var high = diff + Math.Sqrt(Sq(t.High - t.Rate) + Sq(c.Rate - c.Low));
        double rr = double.NaN, rrLow = double.NaN, rrHigh = double.NaN;
        if (treated > 0 && control > 0)
        {
            double x1 = treatedAchieved, n1 = treated, x0 = controlAchieved, n0 = control;
            if (x1 == 0 || x0 == 0)
                (x1, n1, x0, n0) = (x1 + 0.5, n1 + 1, x0 + 0.5, n0 + 1);
            var ratio = (x1 / n1) / (x0 / n0);
            var se = Math.Sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0);
            (rr, rrLow, rrHigh) = (ratio - 1, ratio * Math.Exp(-Z * se) - 1, ratio * Math.Exp(Z * se) - 1);
        }
        return new LiftEstimate(t, c, diff, low, high, rr, rrLow, rrHigh);
    }

    /// <summary>The Wilson score interval of x achievers out of n (NaN when n is 0).</summary>
    public static RateInterval Wilson(int x, int n)
    {
        if (n <= 0)
            return new RateInterval(x, n, double.NaN, double.NaN, double.NaN);
        double p = (double)x / n, z2 = Z * Z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new RateInterval(x, n, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private static double Sq(double v) => v * v;
}
