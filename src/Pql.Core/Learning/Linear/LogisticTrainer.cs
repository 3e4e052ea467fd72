using Pql.Core.Features;

namespace Pql.Core.Learning.Linear;

/// <summary>
/// L2-regularised logistic regression on standardised inputs, fitted by L-BFGS: minimises
/// Σ log-loss + ½·λ·‖w‖² with λ = 1 (sklearn's C = 1) and an unpenalised intercept.
/// </summary>
internal static class LogisticTrainer
{
    public const int MaxLevels = 64;

    public static LogisticScoringModel Train(FeatureMatrix train, byte[] labels, int threads, double lambda = 1.0)
    {
        ArgumentNullException.ThrowIfNull(train);
        var schema = FeatureSchema.Of(train);
        var design = Design(train);
        var n = train.RowCount;
        var p = design.Length;
        var z = new float[p][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, p, parallel, j =>
        {
            var col = train.Columns[design[j].Feature].Values;
            var dst = new float[n];
            for (var r = 0; r < n; r++)
                dst[r] = (float)design[j].Z(col[r]);
            z[j] = dst;
        });
        var objective = new LogisticObjective(z, labels, lambda, parallel);
        var w = Lbfgs.Minimize(objective.Evaluate, new double[p + 1], maxIterations: 500);
        var coef = new double[p];
        Array.Copy(w, coef, p);
        return new LogisticScoringModel(schema, design, coef, w[p]);
    }

    private static DesignColumn[] Design(FeatureMatrix m)
    {
        var list = new List<DesignColumn>();
        for (var f = 0; f < m.ColumnCount; f++)
        {
            var col = m.Columns[f];
            if (col.Kind == FeatureKind.Categorical)
            {
                foreach (var level in TopLevels(col.Values))
                {
                    var probe = new DesignColumn(f, level, 0, 0, 1);
                    var (mean, sd) = MeanSd(col.Values, probe);
                    list.Add(probe with { Mean = mean, Scale = sd > 0 ? sd : 1 });
                }
            }
            else
            {
                var probe = new DesignColumn(f, -1, Median(col.Values), 0, 1);
                var (mean, sd) = MeanSd(col.Values, probe);
                list.Add(probe with { Mean = mean, Scale = sd > 0 ? sd : 1 });
            }
        }
        return [.. list];
    }

    private static (double Mean, double Sd) MeanSd(float[] values, DesignColumn raw)
    {
        double sum = 0, sq = 0;
        foreach (var x in values)
        {
            var v = raw.Z(x);
            sum += v;
            sq += v * v;
        }
        var n = Math.Max(1, values.Length);
        var mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(0, sq / n - mean * mean)));
    }

    private static double Median(float[] values)
    {
        var buf = new List<float>(values.Length);
        foreach (var v in values)
        {
            if (!float.IsNaN(v))
                buf.Add(v);
        }
        if (buf.Count == 0)
            return 0;
        buf.Sort();
        var mid = buf.Count / 2;
        return buf.Count % 2 == 1 ? buf[mid] : 0.5 * ((double)buf[mid - 1] + buf[mid]);
    }

    private static List<int> TopLevels(float[] codes)
    {
        var counts = new Dictionary<int, int>();
        foreach (var v in codes)
        {
            if (float.IsNaN(v) || v < 0)
                continue;
            counts[(int)v] = counts.GetValueOrDefault((int)v) + 1;
        }
        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(MaxLevels).Select(kv => kv.Key).OrderBy(k => k).ToList();
    }

    /// <summary>Loss and gradient over parameters [w_0..w_{p−1}, b]; rows in fixed blocks, reduced in block order.</summary>
    private sealed class LogisticObjective(float[][] z, byte[] labels, double lambda, ParallelOptions parallel)
    {
        private const int Block = 4096;
        private readonly double[] _margin = new double[labels.Length];
        private readonly double[] _residual = new double[labels.Length];

        public double Evaluate(double[] w, double[] grad)
        {
            var n = labels.Length;
            var p = z.Length;
            var blocks = (n + Block - 1) / Block;
            var blockLoss = new double[blocks];
            Parallel.For(0, blocks, parallel, b =>
            {
                var start = b * Block;
                var end = Math.Min(n, start + Block);
                var m = _margin.AsSpan(start, end - start);
                m.Fill(w[p]);
                for (var j = 0; j < p; j++)
                {
                    var wj = w[j];
                    var col = z[j];
                    for (var r = start; r < end; r++)
                        m[r - start] += wj * col[r];
                }
                double loss = 0;
                for (var r = start; r < end; r++)
                {
                    var y = labels[r];
                    loss += Gbdt.GbdtTrainer.LogLossOfMargin(_margin[r], y);
                    _residual[r] = ScoringModel.Sigmoid(_margin[r]) - (y != 0 ? 1 : 0);
                }
                blockLoss[b] = loss;
            });
            var total = 0.0;
            foreach (var l in blockLoss)
                total += l;
            Parallel.For(0, p + 1, parallel, j =>
            {
                double g = 0;
                if (j == p)
                {
                    for (var r = 0; r < n; r++)
                        g += _residual[r];
                }
                else
                {
                    var col = z[j];
                    for (var r = 0; r < n; r++)
                        g += _residual[r] * col[r];
                    g += lambda * w[j];
                }
                grad[j] = g / n;
            });
            for (var j = 0; j < p; j++)
                total += 0.5 * lambda * w[j] * w[j];
            return total / n;
        }
    }
}
