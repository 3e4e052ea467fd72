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
        _ = Forest;
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
        Span<int> at = stackalloc int[Block];
        Forest.AddBlock(buffer.AsSpan(0, count * features), features, acc, at);
    }

    private PackedForest? _forest;

    /// <summary>The packed copy of the trees used for batch prediction (built on first use, after training).</summary>
    private PackedForest Forest
    {
        get
        {
            var forest = _forest;
            if (forest is null || forest.TreeCount != Trees.Count)
                _forest = forest = new PackedForest(Trees);
            return forest;
        }
    }
}
