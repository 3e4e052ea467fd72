namespace Pql.Core.Learning;

/// <summary>
/// Platt scaling: p = sigmoid(A · raw + B), fitted by Newton's method on the validation window's log loss
/// (with Platt's smoothed targets (N+ + 1)/(N+ + 2) and 1/(N− + 2) to avoid overconfident fits on small windows).
/// </summary>
public sealed record PlattCalibration(double A, double B)
{
    public double Apply(double raw) => ScoringModel.Sigmoid(A * raw + B);

    public static PlattCalibration Fit(ReadOnlySpan<double> raw, ReadOnlySpan<byte> labels)
    {
        var n = raw.Length;
        int pos = 0;
        for (var i = 0; i < n; i++)
            pos += labels[i] != 0 ? 1 : 0;
        var hi = (pos + 1.0) / (pos + 2.0);
        var lo = 1.0 / (n - pos + 2.0);
        double a = 1, b = 0;
        for (var iter = 0; iter < 100; iter++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (var i = 0; i < n; i++)
            {
                var p = ScoringModel.Sigmoid(a * raw[i] + b);
                var t = labels[i] != 0 ? hi : lo;
                var d = p - t;
                var w = Math.Max(p * (1 - p), 1e-12);
                ga += d * raw[i];
                gb += d;
                haa += w * raw[i] * raw[i];
                hab += w * raw[i];
                hbb += w;
            }
            haa += 1e-9;
            hbb += 1e-9;
            var det = haa * hbb - hab * hab;
            if (det <= 0)
                break;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if (Math.Abs(da) < 1e-10 && Math.Abs(db) < 1e-10)
                break;
        }
        return new PlattCalibration(a, b);
    }
}
