using Pql.Core.Learning;
using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Tests.Learning;

public sealed class GbdtTrainerTests
{
    [Fact]
    public void Gradients_logistic_loss_match_hand_values()
    {
        // p = sigmoid(0) = 0.5 for y = 1: g = -0.5, h = 0.25; p = sigmoid(ln 3) = 0.75 for y = 0: g = 0.75, h = 0.1875;
        // a positive with scale_pos_weight 2 doubles both.
        var margin = new[] { 0.0, Math.Log(3), 0.0 };
        var labels = new byte[] { 1, 0, 1 };
        var gh = new float[6];

        GbdtTrainer.Gradients(margin, [1, 0, 1], 1.0, gh, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        var weighted = new float[6];
        GbdtTrainer.Gradients(margin, labels, 2.0, weighted, new ParallelOptions { MaxDegreeOfParallelism = 1 });

        Assert.Equal(-0.5, gh[0], 6);
        Assert.Equal(0.25, gh[1], 6);
        Assert.Equal(0.75, gh[2], 6);
        Assert.Equal(0.1875, gh[3], 6);
        Assert.Equal(-1.0, weighted[4], 6);
        Assert.Equal(0.5, weighted[5], 6);
        Assert.Equal(0.75, weighted[2], 6);
    }

    [Fact]
    public void Train_one_split_tree_on_four_rows_matches_hand_worked_nodes()
    {
        // x = 1,2,3,4 with y = 0,0,1,1: base rate 0.5 -> margin 0, g = ±0.5, h = 0.25. Gains (λ = 1):
        // x<=1: 0.25/1.25 + 0.25/1.75 = 0.3429; x<=2: 1/1.5 + 1/1.5 = 1.3333; x<=3: 0.3429 -> split at x <= 2.
        // Leaves: -(±1)/(0.5 + 1) * 0.1 = ∓0.0667. A second level cannot gain (0.2 + 0.2 - 0.6667 < 0).
        var m = SomeData.Matrix(("x", [1f, 2f, 3f, 4f]));
        var options = new GbdtOptions { Trees = 1, MaxDepth = 2, MinChildWeight = 0, Threads = 1 };

        var model = GbdtTrainer.Train(m, [0, 0, 1, 1], options);

        Assert.Equal(0.0, model.BaseMargin, 12);
        var tree = Assert.Single(model.Trees);
        Assert.Equal(3, tree.NodeCount);
        Assert.Equal(0, tree.Feature[0]);
        Assert.Equal(2f, tree.Threshold[0]);
        Assert.Equal(2, tree.BinThreshold[0]);
        Assert.Equal(1.0, tree.Cover[0], 9);
        Assert.Equal(1, tree.Left[0]);
        Assert.Equal(2, tree.Right[0]);
        Assert.True(tree.IsLeaf(1) && tree.IsLeaf(2));
        Assert.Equal(-0.1 / 1.5, tree.Value[1], 6);
        Assert.Equal(0.1 / 1.5, tree.Value[2], 6);
        Assert.Equal(0.5, tree.Cover[1], 9);
        Assert.Equal(0.5, tree.Cover[2], 9);
    }

    [Fact]
    public void Train_learns_missing_direction_and_categorical_level()
    {
        // Missing x goes with the positives; category code 2 alone is positive.
        var x = new[] { 1f, 2f, 3f, float.NaN, float.NaN, 4f, 5f, 6f };
        var c = new[] { 0f, 1f, 3f, 0f, 1f, 2f, 2f, 2f };
        var y = new byte[] { 0, 0, 0, 1, 1, 1, 1, 1 };
        var m = new Pql.Core.Features.FeatureMatrix
        {
            RowCount = 8,
            Columns =
            [
                new Pql.Core.Features.FeatureColumn { Name = "c", Kind = Pql.Core.Features.FeatureKind.Categorical, Levels = ["a", "b", "c", "d"], Values = c },
                new Pql.Core.Features.FeatureColumn { Name = "x", Values = x },
            ],
        };
        var options = new GbdtOptions { Trees = 1, MaxDepth = 1, MinChildWeight = 0, Threads = 1 };

        var tree = Assert.Single(GbdtTrainer.Train(m, y, options).Trees);

        // x <= 3 (with missing right) separates perfectly; so does nothing on c alone (code 2 misses the NaN rows).
        Assert.Equal(1, tree.Feature[0]);
        Assert.Equal(3f, tree.Threshold[0]);
        Assert.Equal(0, tree.Flags[0] & RegressionTree.DefaultLeftFlag);
        Assert.True(tree.Value[tree.Right[0]] > 0);
    }

    [Fact]
    public void Train_same_seed_and_threads_gives_identical_predictions()
    {
        var (m, y) = SomeData.Table(3000, 7);
        var options = new GbdtOptions { Trees = 20, Subsample = 0.8, ColumnSample = 0.8, Seed = 5, Threads = 2 };

        var a = GbdtTrainer.Train(m, y, options).PredictMargin(m, 2);
        var b = GbdtTrainer.Train(m, y, options).PredictMargin(m, 2);
        var one = GbdtTrainer.Train(m, y, options with { Threads = 1 }).PredictMargin(m, 1);
        var other = GbdtTrainer.Train(m, y, options with { Seed = 6 }).PredictMargin(m, 2);

        Assert.Equal(a, b);
        Assert.Equal(a, one);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void Train_leaf_wise_respects_max_leaves()
    {
        var (m, y) = SomeData.Table(2000, 3);

        var model = GbdtTrainer.Train(m, y, new GbdtOptions { Trees = 5, MaxLeaves = 5, MaxDepth = 10, Threads = 1 });

        foreach (var tree in model.Trees)
        {
            var leaves = Enumerable.Range(0, tree.NodeCount).Count(tree.IsLeaf);
            Assert.InRange(leaves, 2, 5);
        }
    }

    [Fact]
    public void Train_early_stopping_keeps_the_best_round_only()
    {
        var (m, y) = SomeData.Table(1500, 11);
        var (v, vy) = SomeData.Table(800, 12);
        var options = new GbdtOptions { Trees = 400, LearningRate = 0.5, EarlyStoppingRounds = 5, Threads = 1 };

        var model = GbdtTrainer.Train(m, y, options, v, vy);

        Assert.InRange(model.Trees.Count, 1, 399);
    }

    [Fact]
    public void Train_predicts_held_out_rows_well()
    {
        var (m, y) = SomeData.Table(4000, 1);
        var (t, ty) = SomeData.Table(2000, 2);

        var margin = GbdtTrainer.Train(m, y, new GbdtOptions { Trees = 60, Threads = 2 }).PredictMargin(t, 2);

        Assert.True(Pql.Core.Learning.Evaluation.ModelMetrics.Compute(margin, ty).RocAuc > 0.75);
    }

    [Fact]
    public void Options_validate_rejects_out_of_range_values()
    {
        var ex = Assert.Throws<Pql.Core.Workspace.PqlInputException>(() => new GbdtOptions { MaxBins = 300 }.Validate());

        Assert.Contains("bins", ex.Message);
    }
}
