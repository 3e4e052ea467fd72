using Pql.Core.Learning;
using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Tests.Learning;

public sealed class TreeShapTests
{
    [Fact]
    public void Explain_contributions_plus_base_equal_raw_margin_for_every_row()
    {
        var (m, y) = SomeData.Table(1500, 21);
        var model = ModelFitter.FitGbdt(m, y, new GbdtOptions { Trees = 30, Threads = 1, Subsample = 0.9 });
        var margins = model.PredictRaw(m);

        for (var r = 0; r < m.RowCount; r++)
        {
            var e = model.Explain(m, r);
            Assert.Equal(margins[r], e.Margin);
            Assert.Equal(e.Margin, e.BaseValue + e.Contributions.Sum(), 9);
        }
    }

    [Fact]
    public void Explain_equals_brute_force_shapley_values_on_small_trees()
    {
        var (m, y) = SomeData.Table(600, 22);
        var model = GbdtTrainer.Train(m, y, new GbdtOptions { Trees = 4, MaxDepth = 3, Threads = 1 });
        var shap = new TreeShap(TreeShap.MaxDepth(model.Trees));
        var features = m.ColumnCount;

        for (var r = 0; r < 40; r++)
        {
            var x = new float[features];
            m.CopyRow(r, x);
            var fast = new double[features];
            var slow = new double[features];
            foreach (var tree in model.Trees)
            {
                shap.Add(tree, x, fast);
                BruteForce(tree, x, slow);
            }
            for (var f = 0; f < features; f++)
                Assert.Equal(slow[f], fast[f], 9);
        }
    }

    [Fact]
    public void Explain_a_feature_the_trees_never_use_gets_zero()
    {
        var (m, y) = SomeData.Table(800, 23);
        var model = ModelFitter.FitGbdt(m, y, new GbdtOptions { Trees = 5, MaxDepth = 2, ColumnSample = 0.2, Seed = 1, Threads = 1 });
        var used = new HashSet<int>(model.Model.Trees.SelectMany(t => t.Feature.Where(f => f >= 0)));

        var e = model.Explain(m, 0);

        for (var f = 0; f < m.ColumnCount; f++)
        {
            if (!used.Contains(f))
                Assert.Equal(0.0, e.Contributions[f]);
        }
    }

    /// <summary>Shapley values of v(S) = E[tree(x) | x_S] (cover-weighted over unknown splits), by enumerating subsets.</summary>
    private static void BruteForce(RegressionTree tree, float[] x, double[] phi)
    {
        var n = x.Length;
        var value = new double[1 << n];
        for (var s = 0; s < value.Length; s++)
            value[s] = Conditional(tree, 0, x, s);
        var fact = new double[n + 1];
        fact[0] = 1;
        for (var i = 1; i <= n; i++)
            fact[i] = fact[i - 1] * i;
        for (var i = 0; i < n; i++)
        {
            for (var s = 0; s < value.Length; s++)
            {
                if ((s & (1 << i)) != 0)
                    continue;
                var size = System.Numerics.BitOperations.PopCount((uint)s);
                var weight = fact[size] * fact[n - size - 1] / fact[n];
                phi[i] += weight * (value[s | (1 << i)] - value[s]);
            }
        }
    }

    private static double Conditional(RegressionTree t, int node, float[] x, int known)
    {
        if (t.IsLeaf(node))
            return t.Value[node];
        var f = t.Feature[node];
        if ((known & (1 << f)) != 0)
            return Conditional(t, t.Next(node, x[f]), x, known);
        var l = t.Left[node];
        var r = t.Right[node];
        return (t.Cover[l] * Conditional(t, l, x, known) + t.Cover[r] * Conditional(t, r, x, known)) / t.Cover[node];
    }
}
