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
        PackedForest.CopyRows(columns[..features], 0, n, result);
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
        var forest = Forest;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new float[Block * Math.Max(1, features)],
            (b, _, buffer) =>
            {
                PredictBlock(forest, columns, features, b * Block, Math.Min(Block, n - b * Block), buffer, result);
                return buffer;
            },
            _ => { });
        return result;
    }

    private void PredictBlock(PackedForest? forest, float[][] columns, int features, int start, int count, float[] buffer, double[] result)
    {
        PackedForest.CopyRows(columns, start, count, buffer);
        var acc = result.AsSpan(start, count);
        acc.Fill(BaseMargin);
        if (forest is not null)
        {
            Span<int> at = stackalloc int[Block];
            forest.AddBlock(buffer.AsSpan(0, count * features), features, acc, at);
            return;
        }
        foreach (var tree in Trees)
        {
            for (var i = 0; i < count; i++)
                acc[i] += tree.Predict(buffer.AsSpan(i * features, features));
        }
    }

    /// <summary>The packed trees and how many trees they were packed from, swapped as one reference.</summary>
    private sealed record Packed(PackedForest? Forest, int TreeCount);

    private Packed? _packed;

    /// <summary>
    /// The trees packed for batch prediction, or null when they are too deep to pack (then each tree is
    /// walked on its own). Built on first use and again if trees were added or removed since.
    /// </summary>
    internal PackedForest? Forest
    {
        get
        {
            var packed = _packed;
            if (packed is null || packed.TreeCount != Trees.Count)
                _packed = packed = new Packed(PackedForest.TryCreate(Trees), Trees.Count);
            return packed.Forest;
        }
    }
}
