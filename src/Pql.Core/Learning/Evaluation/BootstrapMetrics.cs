namespace Pql.Core.Learning.Evaluation;

/// <summary>A point estimate with its bootstrap 95% percentile interval (NaN bounds when undefined).</summary>
public sealed record Interval(double Estimate, double Low, double High);

/// <summary>The observed achievement rate among the rows of one tier.</summary>
public sealed record TierRate(string Tier, int Rows, int Achieved, Interval Rate);

/// <summary>
/// What a set of scores achieved against the real outcomes, each figure with a seeded bootstrap 95% interval:
/// ROC AUC, PR AUC (average precision), lift in the top decile, Brier score, expected calibration error (mean
/// |predicted − observed| over score deciles, weighted by rows) and the achievement rate per tier.
/// </summary>
public sealed record OutcomeMetrics
{
    public required int Rows { get; init; }
    public required int Positives { get; init; }
    public required Interval RocAuc { get; init; }
    public required Interval PrAuc { get; init; }
    public required Interval LiftTopDecile { get; init; }
    public required Interval Brier { get; init; }
    public required Interval CalibrationError { get; init; }
    public IReadOnlyList<CalibrationBin> Calibration { get; init; } = [];
    public IReadOnlyList<TierRate> Tiers { get; init; } = [];
}

/// <summary>
/// Bootstrap evaluation of scores against outcomes. Each round resamples the rows with replacement (as a count per
/// row, drawn from a <see cref="Random"/> seeded by the seed and the round), so every candidate evaluated with the same
/// seed and row count sees the same resamples: the intervals are paired, and a difference between two candidates can
/// be read round by round (<see cref="Rounds"/>). The rows are sorted once; a round is then one weighted pass.
/// </summary>
public static class BootstrapMetrics
{
    /// <summary>Default number of resamples.</summary>
    public const int DefaultRounds = 1000;

    public static OutcomeMetrics Evaluate(ReadOnlySpan<double> scores, ReadOnlySpan<byte> labels, IReadOnlyList<string>? tiers,
        int rounds = DefaultRounds, int seed = 42)
    {
        var table = Rounds(scores, labels, tiers, rounds, seed, null);
        return table.Summarise();
    }

    /// <summary>
    /// Every round's figures (round 0 = the full data, unweighted), for paired comparisons. Tiers are reported in
    /// <paramref name="tierOrder"/>'s order, then any others in order of their highest score.
    /// </summary>
    public static BootstrapTable Rounds(ReadOnlySpan<double> scores, ReadOnlySpan<byte> labels, IReadOnlyList<string>? tiers,
        int rounds, int seed, IReadOnlyList<string>? tierOrder)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException("one score per label is required");
        if (tiers is not null && tiers.Count != scores.Length)
            throw new ArgumentException("one tier per score is required");
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        var n = scores.Length;
        var p = scores.ToArray();
        var y = labels.ToArray();
        var order = BinaryMetricsMath.DescendingOrder(p);
        var decile = new int[n];
        for (var k = 0; k < n; k++)
            decile[order[k]] = (int)((long)(n - 1 - k) * 10 / n);
        var (tierNames, tierOf) = TierCodes(tiers, order, tierOrder ?? []);

        var table = new BootstrapTable(rounds + 1, tierNames)
        {
            Rows = n,
            Calibration = BinaryMetricsMath.CalibrationTable(p, y, order),
        };
        var weights = new int[n];
        Array.Fill(weights, 1);
        table.Record(0, WeightedPass.Run(p, y, order, decile, tierOf, tierNames.Length, weights));
        for (var r = 1; r <= rounds; r++)
        {
            Resample(weights, seed, r);
            table.Record(r, WeightedPass.Run(p, y, order, decile, tierOf, tierNames.Length, weights));
        }
        return table;
    }

    /// <summary>Row counts of one bootstrap resample: n draws with replacement.</summary>
    private static void Resample(int[] weights, int seed, int round)
    {
        Array.Clear(weights);
        // HashCode.Combine is salted per process; a plain mix keeps resamples the same from run to run.
        var random = new Random(unchecked(seed * 1_000_003 + round));
        for (var i = 0; i < weights.Length; i++)
            weights[random.Next(weights.Length)]++;
    }

    /// <summary>Tier codes, numbered in order of each tier's highest score (so the top tier comes first).</summary>
    private static (string[] Names, int[] Codes) TierCodes(IReadOnlyList<string>? tiers, int[] order, IReadOnlyList<string> known)
    {
        var n = order.Length;
        var codes = new int[n];
        if (tiers is null)
            return ([], codes);
        var present = new HashSet<string>(tiers, StringComparer.Ordinal);
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in known)
        {
            if (present.Contains(name) && index.TryAdd(name, names.Count))
                names.Add(name);
        }
        foreach (var i in order)
        {
            if (!index.TryGetValue(tiers[i], out var c))
            {
                c = names.Count;
                index[tiers[i]] = c;
                names.Add(tiers[i]);
            }
            codes[i] = c;
        }
        return ([.. names], codes);
    }

    /// <summary>2.5th and 97.5th percentiles of the finite values (linear interpolation, like numpy's default).</summary>
    public static (double Low, double High) PercentileInterval(ReadOnlySpan<double> values)
    {
        var finite = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (double.IsFinite(v))
                finite.Add(v);
        }
        if (finite.Count == 0)
            return (double.NaN, double.NaN);
        finite.Sort();
        return (Quantile(finite, 0.025), Quantile(finite, 0.975));
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

/// <summary>The figures of one weighted pass over the sorted rows.</summary>
internal readonly record struct PassFigures(double RocAuc, double PrAuc, double Lift, double Brier, double CalibrationError,
    double[] TierRates, long[] TierRows, long[] TierAchieved, long Positives);

/// <summary>ROC AUC, average precision, top-decile lift, Brier and calibration error with integer row weights.</summary>
internal static class WeightedPass
{
    public static PassFigures Run(double[] p, byte[] y, int[] order, int[] decile, int[] tierOf, int tierCount, int[] w)
    {
        long total = 0, positives = 0;
        double brier = 0;
        var binP = new double[10];
        var binY = new double[10];
        var tierRows = new long[tierCount];
        var tierAchieved = new long[tierCount];
        for (var i = 0; i < p.Length; i++)
        {
            var wi = w[i];
            if (wi == 0)
                continue;
            var yi = y[i] != 0 ? 1 : 0;
            total += wi;
            positives += wi * yi;
            var d = p[i] - yi;
            brier += wi * d * d;
            binP[decile[i]] += wi * p[i];
            binY[decile[i]] += wi * yi;
            if (tierCount > 0)
            {
                tierRows[tierOf[i]] += wi;
                tierAchieved[tierOf[i]] += wi * yi;
            }
        }
        double ece = 0;
        for (var b = 0; b < 10; b++)
            ece += Math.Abs(binP[b] - binY[b]);
        var tierRates = new double[tierCount];
        for (var t = 0; t < tierCount; t++)
            tierRates[t] = tierRows[t] == 0 ? double.NaN : (double)tierAchieved[t] / tierRows[t];
        var (roc, ap, lift) = Ranking(p, y, order, w, total, positives);
        return new PassFigures(roc, ap, lift, total == 0 ? double.NaN : brier / total, total == 0 ? double.NaN : ece / total,
            tierRates, tierRows, tierAchieved, positives);
    }

    /// <summary>One walk down the scores, tied scores grouped: ROC (ties count half), AP, and the top-decile hit rate.</summary>
    private static (double Roc, double Ap, double Lift) Ranking(double[] p, byte[] y, int[] order, int[] w, long total, long positives)
    {
        var negatives = total - positives;
        var top = (long)Math.Ceiling(0.10 * total);
        double area = 0, ap = 0, prevRecall = 0;
        long negSeen = 0, tp = 0, seen = 0, topLeft = top, topHits = 0;
        var n = order.Length;
        var i = 0;
        while (i < n)
        {
            var j = i;
            long pos = 0, neg = 0;
            while (j < n && p[order[j]] == p[order[i]])
            {
                var row = order[j];
                var wi = w[row];
                if (y[row] != 0) pos += wi; else neg += wi;
                // The top decile takes rows in order (ties by row order, as ModelMetrics does).
                var take = Math.Min(wi, topLeft);
                topLeft -= take;
                if (y[row] != 0) topHits += take;
                j++;
            }
            area += pos * (double)(negatives - negSeen - neg) + 0.5 * pos * neg;
            negSeen += neg;
            if (pos + neg > 0)
            {
                tp += pos;
                seen += pos + neg;
                var recall = positives == 0 ? 0 : (double)tp / positives;
                ap += (recall - prevRecall) * ((double)tp / seen);
                prevRecall = recall;
            }
            i = j;
        }
        var roc = positives == 0 || negatives == 0 ? double.NaN : area / ((double)positives * negatives);
        var avgPrecision = positives == 0 ? double.NaN : ap;
        var lift = positives == 0 || top == 0 ? double.NaN : (double)topHits / top / ((double)positives / total);
        return (roc, avgPrecision, lift);
    }
}

/// <summary>Every bootstrap round's figures for one set of scores; round 0 is the full data.</summary>
public sealed class BootstrapTable
{
    private readonly string[] _tierNames;

    internal BootstrapTable(int rounds, string[] tierNames)
    {
        _tierNames = tierNames;
        RocAuc = new double[rounds];
        PrAuc = new double[rounds];
        Lift = new double[rounds];
        Brier = new double[rounds];
        CalibrationError = new double[rounds];
        TierRates = new double[tierNames.Length][];
        for (var t = 0; t < tierNames.Length; t++)
            TierRates[t] = new double[rounds];
    }

    public int Rows { get; internal init; }
    public int Positives { get; private set; }
    public IReadOnlyList<CalibrationBin> Calibration { get; internal init; } = [];
    public double[] RocAuc { get; }
    public double[] PrAuc { get; }
    public double[] Lift { get; }
    public double[] Brier { get; }
    public double[] CalibrationError { get; }
    internal double[][] TierRates { get; }
    private long[] _tierRows = [];
    private long[] _tierAchieved = [];

    internal void Record(int round, PassFigures f)
    {
        RocAuc[round] = f.RocAuc;
        PrAuc[round] = f.PrAuc;
        Lift[round] = f.Lift;
        Brier[round] = f.Brier;
        CalibrationError[round] = f.CalibrationError;
        for (var t = 0; t < f.TierRates.Length; t++)
            TierRates[t][round] = f.TierRates[t];
        if (round == 0)
        {
            Positives = (int)f.Positives;
            _tierRows = f.TierRows;
            _tierAchieved = f.TierAchieved;
        }
    }

    /// <summary>The full-data estimate with the percentile interval of rounds 1..R.</summary>
    public static Interval IntervalOf(double[] rounds)
    {
        var (lo, hi) = BootstrapMetrics.PercentileInterval(rounds.AsSpan(1));
        return new Interval(rounds[0], lo, hi);
    }

    /// <summary>The interval of a round-by-round difference a − b (paired: both tables from the same seed and rows).</summary>
    public static Interval Difference(double[] a, double[] b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException("both tables need the same number of rounds");
        var d = new double[a.Length];
        for (var i = 0; i < d.Length; i++)
            d[i] = a[i] - b[i];
        return IntervalOf(d);
    }

    public OutcomeMetrics Summarise()
    {
        var tiers = new TierRate[_tierNames.Length];
        for (var t = 0; t < tiers.Length; t++)
            tiers[t] = new TierRate(_tierNames[t], (int)_tierRows[t], (int)_tierAchieved[t], IntervalOf(TierRates[t]));
        return new OutcomeMetrics
        {
            Rows = Rows,
            Positives = Positives,
            RocAuc = IntervalOf(RocAuc),
            PrAuc = IntervalOf(PrAuc),
            LiftTopDecile = IntervalOf(Lift),
            Brier = IntervalOf(Brier),
            CalibrationError = IntervalOf(CalibrationError),
            Calibration = Calibration,
            Tiers = tiers,
        };
    }
}
