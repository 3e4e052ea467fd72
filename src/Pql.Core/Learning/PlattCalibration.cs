namespace Pql.Core.Learning;

/// <summary>
/// Platt scaling: p = sigmoid(A · raw + B), fitted on the validation window's log loss with Platt's smoothed
/// targets (N+ + 1)/(N+ + 2) and 1/(N− + 2). Newton steps are safeguarded by a backtracking line search
/// (Lin, Lin and Weng 2007): plain Newton diverges when raw margins are large, as an overfitted GBDT's are,
/// and then saturates every probability to 0 or 1.
/// </summary>
public sealed record PlattCalibration(double A, double B)
{
    public double Apply(double raw) => ScoringModel.Sigmoid(A * raw + B);

    public static PlattCalibration Fit(ReadOnlySpan<double> raw, ReadOnlySpan<byte> labels)
    {
        var n = raw.Length;
        var pos = 0;
        for (var i = 0; i < n; i++)
            pos += labels[i] != 0 ? 1 : 0;
        var hi = (pos + 1.0) / (pos + 2.0);
        var lo = 1.0 / (n - pos + 2.0);
        // Start from the constant model at the smoothed base rate.
        double a = 0, b = Math.Log((pos + 1.0) / (n - pos + 1.0));
        var loss = Loss(raw, labels, hi, lo, a, b);
        for (var iter = 0; iter < 100; iter++)
        {
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (var i = 0; i < n; i++)
            {
                var p = ScoringModel.Sigmoid(a * raw[i] + b);
                var d = p - (labels[i] != 0 ? hi : lo);
                var w = p * (1 - p);
                ga += d * raw[i];
                gb += d;
                haa += w * raw[i] * raw[i];
                hab += w * raw[i];
                hbb += w;
            }
            if (Math.Abs(ga) < 1e-9 && Math.Abs(gb) < 1e-9)
                break;
            var det = haa * hbb - hab * hab;
            if (det <= 0)
                break;
            var da = -(hbb * ga - hab * gb) / det;
            var db = -(haa * gb - hab * ga) / det;
            var slope = ga * da + gb * db;
            var step = 1.0;
            var improved = false;
            while (step >= 1e-10)
            {
                var na = a + step * da;
                var nb = b + step * db;
                var candidate = Loss(raw, labels, hi, lo, na, nb);
                if (candidate <= loss + 1e-4 * step * slope)
                {
                    a = na;
                    b = nb;
                    loss = candidate;
                    improved = true;
                    break;
                }
                step /= 2;
            }
            if (!improved)
                break;
        }
        return new PlattCalibration(a, b);
    }

    /// <summary>Cross-entropy against the smoothed targets, computed without overflow.</summary>
    private static double Loss(ReadOnlySpan<double> raw, ReadOnlySpan<byte> labels, double hi, double lo, double a, double b)
    {
        var sum = 0.0;
        for (var i = 0; i < raw.Length; i++)
        {
            var z = a * raw[i] + b;
            var t = labels[i] != 0 ? hi : lo;
            sum += t * Softplus(-z) + (1 - t) * Softplus(z);
        }
        return sum;
    }

    private static double Softplus(double z) => z > 0 ? z + double.LogP1(Math.Exp(-z)) : double.LogP1(Math.Exp(z));
}
