namespace Pql.Core.Learning.Linear;

/// <summary>Limited-memory BFGS (history 10) with a backtracking Armijo line search.</summary>
internal static class Lbfgs
{
    public delegate double Objective(double[] x, double[] gradient);

    public static double[] Minimize(Objective f, double[] x0, int maxIterations, double tolerance = 1e-8)
    {
        const int history = 10;
        var n = x0.Length;
        var x = (double[])x0.Clone();
        var g = new double[n];
        var fx = f(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var alpha = new double[history];
        for (var iter = 0; iter < maxIterations; iter++)
        {
            if (MaxAbs(g) < tolerance)
                break;
            // Two-loop recursion: d = -H g.
            Array.Copy(g, d, n);
            for (var i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = rho[i] * Dot(s[i], d);
                Axpy(-alpha[i], y[i], d);
            }
            var gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1.0 / Math.Max(1.0, Math.Sqrt(Dot(g, g)));
            for (var i = 0; i < n; i++)
                d[i] *= gamma;
            for (var i = 0; i < s.Count; i++)
            {
                var beta = rho[i] * Dot(y[i], d);
                Axpy(alpha[i] - beta, s[i], d);
            }
            for (var i = 0; i < n; i++)
                d[i] = -d[i];
            var slope = Dot(g, d);
            if (slope >= 0)
            {
                for (var i = 0; i < n; i++)
                    d[i] = -g[i];
                slope = Dot(g, d);
                s.Clear();
                y.Clear();
                rho.Clear();
            }
            var step = 1.0;
            double fNew;
            var accepted = false;
            for (var ls = 0; ls < 40; ls++)
            {
                for (var i = 0; i < n; i++)
                    xNew[i] = x[i] + step * d[i];
                fNew = f(xNew, gNew);
                if (fNew <= fx + 1e-4 * step * slope)
                {
                    var si = new double[n];
                    var yi = new double[n];
                    for (var i = 0; i < n; i++)
                    {
                        si[i] = xNew[i] - x[i];
                        yi[i] = gNew[i] - g[i];
                    }
                    var sy = Dot(si, yi);
                    if (sy > 1e-12)
                    {
                        if (s.Count == history)
                        {
                            s.RemoveAt(0);
                            y.RemoveAt(0);
                            rho.RemoveAt(0);
                        }
                        s.Add(si);
                        y.Add(yi);
                        rho.Add(1.0 / sy);
                    }
                    var improvement = fx - fNew;
                    Array.Copy(xNew, x, n);
                    Array.Copy(gNew, g, n);
                    fx = fNew;
                    accepted = true;
                    if (improvement < 1e-12 * Math.Max(1.0, Math.Abs(fx)))
                        return x;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted)
                break;
        }
        return x;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
            y[i] += a * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        double m = 0;
        foreach (var v in a)
            m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
