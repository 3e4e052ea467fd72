using System.Runtime.CompilerServices;
using Pql.Core.Features;

namespace Pql.Core.Learning.Gbdt;

/// <summary>A trained tree ensemble: margin = BaseMargin + sum of tree outputs; probability = sigmoid(margin).</summary>
internal sealed class GbdtModel
{
    private const int Block = 256;

    public GbdtModel(FeatureSchema schema, BinCuts cuts, double baseMargin, List<RegressionTree> trees)
    {
        Schema = schema;
        Cuts = cuts;
        BaseMargin = baseMargin;
        Trees = trees;
    }

    public GbdtModel(FeatureMatrix train, BinCuts cuts, double baseMargin, List<RegressionTree> trees)
        : this(FeatureSchema.Of(train), cuts, baseMargin, trees)
    {
    }

    public FeatureSchema Schema { get; }
    public BinCuts Cuts { get; }
    public double BaseMargin { get; }
    public List<RegressionTree> Trees { get; }

    public float[][] Align(FeatureMatrix m) => Schema.Align(m);

    /// <summary>Row-major copy of aligned columns: result[r * F + f].</summary>
    public static float[] RowMajor(float[][] columns, int features)
    {
        var n = features == 0 ? 0 : columns[0].Length;
        var result = new float[(long)n * features];
        for (var f = 0; f < features; f++)
        {
            var col = columns[f];
            for (var r = 0; r < n; r++)
                result[r * features + f] = col[r];
        }
        return result;
    }

    /// <summary>Raw margins for every row, in parallel over blocks of rows (each row's sum runs in tree order).</summary>
    public double[] PredictMargin(FeatureMatrix m, int threads)
    {
        var columns = Align(m);
        var n = m.RowCount;
        var features = Schema.Count;
        var result = new double[n];
        var blocks = (n + Block - 1) / Block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new float[Block * Math.Max(1, features)],
            (b, _, buffer) =>
            {
                PredictBlock(columns, features, b * Block, Math.Min(Block, n - b * Block), buffer, result);
                return buffer;
            },
            _ => { });
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PredictBlock(float[][] columns, int features, int start, int count, float[] buffer, double[] result)
    {
        for (var f = 0; f < features; f++)
        {
            var col = columns[f];
            for (var i = 0; i < count; i++)
                buffer[i * features + f] = col[start + i];
        }
        var acc = result.AsSpan(start, count);
        acc.Fill(BaseMargin);
        foreach (var tree in Trees)
        {
            var feature = tree.Feature;
            var threshold = tree.Threshold;
            var left = tree.Left;
            var right = tree.Right;
            var flags = tree.Flags;
            var value = tree.Value;
            for (var i = 0; i < count; i++)
            {
                var node = 0;
                var rowBase = i * features;
                while (left[node] >= 0)
                {
                    var x = buffer[rowBase + feature[node]];
                    bool goLeft;
                    if (float.IsNaN(x))
                        goLeft = (flags[node] & RegressionTree.DefaultLeftFlag) != 0;
                    else if ((flags[node] & RegressionTree.CategoricalFlag) != 0)
                        goLeft = x == threshold[node];
                    else
                        goLeft = x <= threshold[node];
                    node = goLeft ? left[node] : right[node];
                }
                acc[i] += value[node];
            }
        }
    }
}
