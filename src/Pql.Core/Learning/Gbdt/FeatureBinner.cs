using System.Runtime.CompilerServices;
using Pql.Core.Features;

namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// Quantile binning: each numeric column gets at most maxBins - 1 value bins whose upper bounds are observed
/// values at (unweighted) quantiles; columns with few distinct values get one bin per value. Large inputs are
/// binned from a seeded sample of <see cref="SampleRows"/> rows, as XGBoost's sketch also approximates.
/// </summary>
internal static class FeatureBinner
{
    public const int SampleRows = 200_000;

    public static BinCuts ComputeCuts(FeatureMatrix m, int maxBins, int threads, int seed)
    {
        var f = m.ColumnCount;
        var upper = new float[f][];
        var isCat = new bool[f];
        var counts = new int[f];
        var sample = SampleIndex(m.RowCount, seed);
        Parallel.For(0, f, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            var col = m.Columns[c];
            if (col.Kind == FeatureKind.Categorical)
            {
                isCat[c] = true;
                upper[c] = [];
                var maxCode = col.Levels.Count - 1;
                foreach (var v in col.Values)
                {
                    if (!float.IsNaN(v) && v > maxCode)
                        maxCode = (int)v;
                }
                counts[c] = Math.Min(maxCode + 2, 256);
                return;
            }
            upper[c] = NumericCuts(col.Values, sample, maxBins - 1);
            counts[c] = upper[c].Length + 1;
        });
        return new BinCuts { Upper = upper, IsCategorical = isCat, BinCount = counts };
    }

    private static int[]? SampleIndex(int n, int seed)
    {
        if (n <= SampleRows)
            return null;
        var rng = new Random(seed ^ 0x5eed);
        var idx = new int[SampleRows];
        // Floyd-free reservoir: stratified by stride with a seeded offset inside each stride.
        var stride = (double)n / SampleRows;
        for (var i = 0; i < SampleRows; i++)
            idx[i] = Math.Min(n - 1, (int)(i * stride + rng.NextDouble() * stride));
        return idx;
    }

    /// <summary>Upper bounds of the value bins of one numeric column; the last is float.MaxValue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float[] NumericCuts(float[] values, int[]? sample, int maxValueBins)
    {
        var count = sample?.Length ?? values.Length;
        var buf = new float[count];
        var m = 0;
        for (var i = 0; i < count; i++)
        {
            var v = sample is null ? values[i] : values[sample[i]];
            if (!float.IsNaN(v))
                buf[m++] = v;
        }
        if (m == 0)
            return [float.MaxValue];
        Array.Sort(buf, 0, m);
        var distinct = 1;
        for (var i = 1; i < m; i++)
        {
            if (buf[i] != buf[i - 1])
                distinct++;
        }
        var cuts = new List<float>(Math.Min(distinct, maxValueBins));
        if (distinct <= maxValueBins)
        {
            for (var i = 0; i < m; i++)
            {
                if (i == m - 1 || buf[i + 1] != buf[i])
                    cuts.Add(buf[i]);
            }
        }
        else
        {
            // Greedy quantiles: close a bin at the end of the run of equal values that crosses the next k*m/B rank.
            var next = 1;
            for (var i = 0; i < m && next < maxValueBins; i++)
            {
                if (i < m - 1 && buf[i + 1] == buf[i])
                    continue;
                if (i + 1 >= (long)next * m / maxValueBins)
                {
                    cuts.Add(buf[i]);
                    while (next < maxValueBins && i + 1 >= (long)next * m / maxValueBins)
                        next++;
                }
            }
        }
        // The last bin is open-ended so values above the training maximum share it.
        if (cuts.Count > 0 && (cuts[^1] == buf[m - 1] || cuts.Count == maxValueBins))
            cuts[^1] = float.MaxValue;
        else
            cuts.Add(float.MaxValue);
        return [.. cuts];
    }
}
