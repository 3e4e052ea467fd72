using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pql.Core.Features;

namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// Per-feature bin boundaries. Bin 0 is the missing-value bin. Numeric value bin k (k >= 1) holds the values
/// x with Upper[k-2] &lt; x &lt;= Upper[k-1]; the last upper bound is float.MaxValue. Categorical bin k holds the
/// category code k-1 (codes 0..253 each have their own bin; higher codes share bin 255, which is never split on).
/// </summary>
internal sealed class BinCuts
{
    public const int MaxCategoryBin = 254;

    public required float[][] Upper { get; init; }
    public required bool[] IsCategorical { get; init; }
    /// <summary>Bins used per feature, including the missing bin 0.</summary>
    public required int[] BinCount { get; init; }

    public int FeatureCount => Upper.Length;

    public int BinOf(int feature, float x)
    {
        if (float.IsNaN(x))
            return 0;
        if (IsCategorical[feature])
        {
            var code = (int)x;
            return code < 0 ? 0 : Math.Min(code + 1, 255);
        }
        var upper = Upper[feature];
        int lo = 0, hi = upper.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (x <= upper[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo + 1;
    }
}

/// <summary>A feature matrix turned into bytes: Bins[f * Rows + r], column-major.</summary>
internal sealed class BinnedData
{
    public required int Rows { get; init; }
    public required BinCuts Cuts { get; init; }
    public required byte[] Bins { get; init; }
    /// <summary>
    /// The same bins row-major (RowBins[r * Features + f]): histogram building over a deep node's scattered rows
    /// then touches one cache line per row instead of one per feature.
    /// </summary>
    public required byte[] RowBins { get; init; }
    /// <summary>Offset of each feature's histogram (in doubles, g/h interleaved) inside a node histogram.</summary>
    public required int[] HistOffset { get; init; }
    public required int HistLength { get; init; }

    public int Features => Cuts.FeatureCount;

    public ReadOnlySpan<byte> Column(int f) => Bins.AsSpan(f * Rows, Rows);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinColumn(BinCuts cuts, int f, float[] values, Span<byte> dst)
    {
        if (cuts.IsCategorical[f])
        {
            for (var i = 0; i < values.Length; i++)
                dst[i] = (byte)cuts.BinOf(f, values[i]);
            return;
        }
        // Branch-free binary search over the upper bounds padded to 256 with float.MaxValue: after the loop, lo is
        // the number of bounds below x, so bin = lo + 1 (the same bin BinOf gives). Four values search side by
        // side: one search is a chain of eight dependent loads, four chains keep the core busy.
        var upper = cuts.Upper[f];
        Span<float> padded = stackalloc float[256];
        padded.Fill(float.MaxValue);
        upper.CopyTo(padded);
        var last = upper.Length - 1;
        ref var p = ref MemoryMarshal.GetReference(padded);
        var r = 0;
        for (; r + 4 <= values.Length; r += 4)
        {
            float x0 = values[r], x1 = values[r + 1], x2 = values[r + 2], x3 = values[r + 3];
            int l0 = 0, l1 = 0, l2 = 0, l3 = 0;
            for (var k = 7; k >= 0; k--)
            {
                // (c ? 1 : 0) << k compiles to setcc and shift; c ? step : 0 became a jump (no if-conversion in loops).
                var step = 1 << k;
                l0 += (Unsafe.Add(ref p, l0 + step - 1) < x0 ? 1 : 0) << k;
                l1 += (Unsafe.Add(ref p, l1 + step - 1) < x1 ? 1 : 0) << k;
                l2 += (Unsafe.Add(ref p, l2 + step - 1) < x2 ? 1 : 0) << k;
                l3 += (Unsafe.Add(ref p, l3 + step - 1) < x3 ? 1 : 0) << k;
            }
            dst[r] = Bin(x0, l0, last);
            dst[r + 1] = Bin(x1, l1, last);
            dst[r + 2] = Bin(x2, l2, last);
            dst[r + 3] = Bin(x3, l3, last);
        }
        for (; r < values.Length; r++)
        {
            var x = values[r];
            var lo = 0;
            for (var k = 7; k >= 0; k--)
                lo += (Unsafe.Add(ref p, lo + (1 << k) - 1) < x ? 1 : 0) << k;
            dst[r] = Bin(x, lo, last);
        }
    }

    /// <summary>Bin of x given how many upper bounds lie below it (NaN compares below none and goes to bin 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Bin(float x, int below, int last) => float.IsNaN(x) ? (byte)0 : (byte)(Math.Min(below, last) + 1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(byte[] columns, byte[] rows, int n, int features, int start, int end)
    {
        for (var f = 0; f < features; f++)
        {
            var col = f * n;
            for (var r = start; r < end; r++)
                rows[r * features + f] = columns[col + r];
        }
    }

    public static BinnedData Create(FeatureMatrix m, BinCuts cuts, int threads)
    {
        var n = m.RowCount;
        var bins = new byte[(long)n * cuts.FeatureCount];
        Parallel.For(0, cuts.FeatureCount, new ParallelOptions { MaxDegreeOfParallelism = threads },
            f => BinColumn(cuts, f, m.Columns[f].Values, bins.AsSpan(f * n, n)));
        var offset = new int[cuts.FeatureCount];
        var total = 0;
        for (var f = 0; f < offset.Length; f++)
        {
            offset[f] = total;
            total += 2 * cuts.BinCount[f];
        }
        var features = cuts.FeatureCount;
        var rowBins = new byte[(long)n * features];
        Parallel.For(0, (n + 8191) / 8192, new ParallelOptions { MaxDegreeOfParallelism = threads },
            b => Transpose(bins, rowBins, n, features, b * 8192, Math.Min(n, (b + 1) * 8192)));
        return new BinnedData { Rows = n, Cuts = cuts, Bins = bins, RowBins = rowBins, HistOffset = offset, HistLength = total };
    }
}
