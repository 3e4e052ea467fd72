namespace Pql.Core.Learning.Evaluation;

/// <summary>One decile of a calibration table: rows sorted by predicted probability, split into ten equal-count groups.</summary>
public sealed record CalibrationBin(int Rows, double MeanPredicted, double ObservedRate);

/// <summary>
/// Validation metrics, defined as in ../shared/peers/gbdt_peer.py: ROC AUC (ties get average ranks, = sklearn's
/// trapezoidal AUC), PR AUC = average precision (sklearn's step-wise sum of precision × recall increments over
/// distinct thresholds), log loss with probabilities clipped to [1e-15, 1 − 1e-15], Brier score, lift in the top
/// decile (positive rate among the top ceil(10% n) scores, ties by row order, over the base rate).
/// </summary>
public sealed record ModelMetrics
{
    public required int Rows { get; init; }
    public required double BaseRate { get; init; }
    public required double RocAuc { get; init; }
    public required double PrAuc { get; init; }
    public required double LogLoss { get; init; }
    public required double Brier { get; init; }
    public required double LiftTopDecile { get; init; }
    public IReadOnlyList<CalibrationBin> Calibration { get; init; } = [];

    public static ModelMetrics Compute(ReadOnlySpan<double> p, ReadOnlySpan<byte> y)
    {
        if (p.Length != y.Length)
            throw new ArgumentException("one probability per label is required");
        var n = p.Length;
        var order = BinaryMetricsMath.DescendingOrder(p);
        var positives = 0;
        for (var i = 0; i < n; i++)
            positives += y[i] != 0 ? 1 : 0;
        return new ModelMetrics
        {
            Rows = n,
            BaseRate = n == 0 ? double.NaN : (double)positives / n,
            RocAuc = BinaryMetricsMath.RocAuc(p, y, order, positives),
            PrAuc = BinaryMetricsMath.AveragePrecision(p, y, order, positives),
            LogLoss = BinaryMetricsMath.LogLoss(p, y),
            Brier = BinaryMetricsMath.Brier(p, y),
            LiftTopDecile = BinaryMetricsMath.LiftTopDecile(y, order, positives),
            Calibration = BinaryMetricsMath.CalibrationTable(p, y, order),
        };
    }
}

internal static class BinaryMetricsMath
{
    /// <summary>Row indices by descending score; equal scores keep row order (stable).</summary>
    public static int[] DescendingOrder(ReadOnlySpan<double> p)
    {
        // Sort by (−score, row): the row index breaks ties, so equal scores keep row order.
        var packed = new (double Key, int Index)[p.Length];
        for (var i = 0; i < packed.Length; i++)
            packed[i] = (-p[i], i);
        Array.Sort(packed);
        var order = new int[p.Length];
        for (var i = 0; i < packed.Length; i++)
            order[i] = packed[i].Index;
        return order;
    }

    public static double RocAuc(ReadOnlySpan<double> p, ReadOnlySpan<byte> y, int[] order, int positives)
    {
        var n = p.Length;
        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        // Walk from the highest score down, counting negatives ranked below each positive; ties count half.
        double area = 0;
        long negSeen = 0;
        var i = 0;
        while (i < n)
        {
            var j = i;
            long pos = 0, neg = 0;
            while (j < n && p[order[j]] == p[order[i]])
            {
                if (y[order[j]] != 0) pos++; else neg++;
                j++;
            }
            // positives in this group beat all negatives after the group, and tie with the group's negatives.
            area += pos * (double)(negatives - negSeen - neg) + 0.5 * pos * neg;
            negSeen += neg;
            i = j;
        }
        return area / ((double)positives * negatives);
    }

    public static double AveragePrecision(ReadOnlySpan<double> p, ReadOnlySpan<byte> y, int[] order, int positives)
    {
        if (positives == 0)
            return double.NaN;
        var n = p.Length;
        double ap = 0, prevRecall = 0;
        long tp = 0, seen = 0;
        var i = 0;
        while (i < n)
        {
            var j = i;
            while (j < n && p[order[j]] == p[order[i]])
            {
                if (y[order[j]] != 0) tp++;
                j++;
            }
            seen = j;
            var recall = (double)tp / positives;
            var precision = (double)tp / seen;
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            i = j;
        }
        return ap;
    }

    public static double LogLoss(ReadOnlySpan<double> p, ReadOnlySpan<byte> y)
    {
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var q = Math.Clamp(p[i], 1e-15, 1 - 1e-15);
            sum -= y[i] != 0 ? Math.Log(q) : Math.Log(1 - q);
        }
        return p.Length == 0 ? double.NaN : sum / p.Length;
    }

    public static double Brier(ReadOnlySpan<double> p, ReadOnlySpan<byte> y)
    {
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var d = p[i] - (y[i] != 0 ? 1 : 0);
            sum += d * d;
        }
        return p.Length == 0 ? double.NaN : sum / p.Length;
    }

    public static double LiftTopDecile(ReadOnlySpan<byte> y, int[] order, int positives)
    {
        var n = y.Length;
        if (positives == 0)
            return double.NaN;
        var top = (int)Math.Ceiling(0.10 * n);
        var hits = 0;
        for (var i = 0; i < top; i++)
            hits += y[order[i]] != 0 ? 1 : 0;
        return (double)hits / top / ((double)positives / n);
    }

    public static CalibrationBin[] CalibrationTable(ReadOnlySpan<double> p, ReadOnlySpan<byte> y, int[] descending)
    {
        var n = p.Length;
        if (n == 0)
            return [];
        var bins = new CalibrationBin[Math.Min(10, n)];
        for (var b = 0; b < bins.Length; b++)
        {
            // Deciles from the lowest scores up: ascending position k = n - 1 - descending position.
            var lo = (int)((long)b * n / bins.Length);
            var hi = (int)((long)(b + 1) * n / bins.Length);
            double sp = 0, sy = 0;
            for (var k = lo; k < hi; k++)
            {
                var row = descending[n - 1 - k];
                sp += p[row];
                sy += y[row] != 0 ? 1 : 0;
            }
            var count = hi - lo;
            bins[b] = new CalibrationBin(count, sp / count, sy / count);
        }
        return bins;
    }
}
