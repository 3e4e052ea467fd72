using Pql.Core.Features;
using Pql.Core.Learning;
using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Tests.Learning;

/// <summary>Batch prediction through the packed forest must give exactly what walking each tree gives.</summary>
public sealed class PackedForestTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PredictMargin_equals_the_tree_by_tree_sum_bit_for_bit(bool vectors)
    {
        // NaNs in x0, a categorical column, and 1,003 rows (not a multiple of the 8-row vector step).
        var (m, y) = SomeData.Table(3000, 21);
        var (t, _) = SomeData.Table(1003, 22);
        var model = GbdtTrainer.Train(m, y, new GbdtOptions { Trees = 40, MaxDepth = 6, Threads = 2 });
        var forest = model.Forest;
        Assert.NotNull(forest);
        forest.UseVectors = vectors;

        var margin = model.PredictMargin(t, 2);

        Assert.Equal(TreeByTree(model, t), margin);
        Assert.Contains(model.Trees, tree => Enumerable.Range(0, tree.NodeCount)
            .Any(i => !tree.IsLeaf(i) && (tree.Flags[i] & RegressionTree.CategoricalFlag) != 0));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Uneven_tree_routes_missing_categorical_and_shallow_leaves_like_the_tree(bool vectors)
    {
        // root: x0 <= 1 (missing left) -> leaf 10 | node: x1 == 2 categorical (missing left)
        //   -> left: x2 <= 5 (missing right) -> leaves 20 / 30 ; right: leaf 40
        var tree = Tree(
            feature: [0, 0, 1, 2, 0, 0, 0],
            threshold: [1f, 0, 2f, 5f, 0, 0, 0],
            left: [1, -1, 3, 5, -1, -1, -1],
            flags: [RegressionTree.DefaultLeftFlag, 0, RegressionTree.CategoricalFlag | RegressionTree.DefaultLeftFlag, 0, 0, 0, 0],
            value: [0, 10, 0, 0, 40, 20, 30]);
        // 13 rows: the first 8 take the vector step, the last 5 the one-row step.
        float[] x0 = [0.5f, 1f, 1.5f, 6f, float.NaN, 3f, 7f, 9f, 2f, float.PositiveInfinity, 0f, 2f, 3f];
        float[] x1 = [2f, 2f, 2f, 2f, 2f, float.NaN, 3f, 2f, 0f, 2f, float.NaN, float.NaN, float.NaN];
        float[] x2 = [0f, 0f, 3f, 6f, 0f, 0f, 0f, float.NaN, 1f, float.PositiveInfinity, float.NaN, float.NaN, 9f];
        var m = SomeData.Matrix(("x0", x0), ("x1", x1), ("x2", x2));
        var model = new GbdtModel(m, null!, 0.5, [tree]);
        model.Forest!.UseVectors = vectors;

        var margin = model.PredictMargin(m, 1);

        Assert.Equal([10.5, 10.5, 20.5, 30.5, 10.5, 20.5, 40.5, 30.5, 40.5, 30.5, 10.5, 30.5, 30.5], margin);
        Assert.Equal(TreeByTree(model, m), margin);
    }

    [Fact]
    public void Trees_deeper_than_the_packing_limit_are_walked_one_by_one()
    {
        // A chain: at each level x0 <= level goes to a leaf, else deeper.
        var depth = PackedForest.MaxDepth + 2;
        var nodes = 2 * depth + 1;
        var feature = new int[nodes];
        var threshold = new float[nodes];
        var left = new int[nodes];
        var value = new double[nodes];
        Array.Fill(left, -1);
        for (var level = 0; level < depth; level++)
        {
            var node = 2 * level;
            threshold[node] = level;
            left[node] = node + 1;
            value[node + 1] = level;
        }
        value[nodes - 1] = 100;
        var tree = Tree(feature, threshold, left, new byte[nodes], value);
        var xs = Enumerable.Range(-1, depth + 2).Select(i => (float)i + 0.5f).ToArray();
        var m = SomeData.Matrix(("x0", xs));
        var model = new GbdtModel(m, null!, 0, [tree]);

        Assert.Null(model.Forest);
        Assert.Equal(TreeByTree(model, m), model.PredictMargin(m, 2));
    }

    private static double[] TreeByTree(GbdtModel model, FeatureMatrix m)
    {
        var rows = GbdtModel.RowMajor(model.Align(m), model.Schema.Count);
        var f = model.Schema.Count;
        var result = new double[m.RowCount];
        for (var r = 0; r < result.Length; r++)
        {
            result[r] = model.BaseMargin;
            foreach (var tree in model.Trees)
                result[r] += tree.Predict(rows.AsSpan(r * f, f));
        }
        return result;
    }

    private static RegressionTree Tree(int[] feature, float[] threshold, int[] left, byte[] flags, double[] value) => new()
    {
        Feature = feature,
        Threshold = threshold,
        BinThreshold = new int[feature.Length],
        Left = left,
        Right = left.Select(l => l < 0 ? -1 : l + 1).ToArray(),
        Flags = flags,
        Value = value,
        Cover = new double[feature.Length],
    };
}
