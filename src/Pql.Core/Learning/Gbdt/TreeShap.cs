namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, Algorithm 2): one recursive pass over a tree keeps,
/// for the path from the root, the proportion of all feature subsets that flow down it ("zero" fraction: the cover
/// ratio when the feature is not known; "one" fraction: 1 when x goes that way, else 0) and their Shapley weights.
/// The expectation over missing features uses each node's cover (training hessian sum), so the values are the
/// Shapley values of E[f(x) | x_S] as path-dependent TreeSHAP defines it; they sum to margin − expected value.
/// </summary>
internal sealed class TreeShap
{
    private struct PathElement
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }

    private readonly PathElement[] _path;
    private RegressionTree _tree = null!;
    private float[] _x = [];
    private double[] _phi = [];

    /// <summary>A path buffer for trees at most <paramref name="maxDepth"/> deep (<see cref="MaxDepth"/>, computed once per model).</summary>
    public TreeShap(int maxDepth) => _path = new PathElement[(maxDepth + 3) * (maxDepth + 3)];

    /// <summary>The deepest tree's depth.</summary>
    public static int MaxDepth(IReadOnlyList<RegressionTree> trees)
    {
        var depth = 0;
        foreach (var t in trees)
            depth = Math.Max(depth, Depth(t, 0));
        return depth;
    }

    /// <summary>Adds the tree's SHAP values for row <paramref name="x"/> (aligned features) into <paramref name="phi"/>.</summary>
    public void Add(RegressionTree tree, float[] x, double[] phi)
    {
        _tree = tree;
        _x = x;
        _phi = phi;
        Recurse(0, 0, 0, 1, 1, -1);
    }

    /// <summary>The cover-weighted mean leaf value: what the tree predicts when no feature is known.</summary>
    public static double ExpectedValue(RegressionTree tree) => Expected(tree, 0);

    private static double Expected(RegressionTree t, int node)
    {
        if (t.Left[node] < 0)
            return t.Value[node];
        var l = t.Left[node];
        var r = t.Right[node];
        return (t.Cover[l] * Expected(t, l) + t.Cover[r] * Expected(t, r)) / t.Cover[node];
    }

    private static int Depth(RegressionTree t, int node) =>
        t.Left[node] < 0 ? 0 : 1 + Math.Max(Depth(t, t.Left[node]), Depth(t, t.Right[node]));

    private void Recurse(int node, int offset, int length, double zero, double one, int feature)
    {
        Extend(offset, length, zero, one, feature);
        var count = length + 1;
        var tree = _tree;
        if (tree.Left[node] < 0)
        {
            var value = tree.Value[node];
            for (var i = 1; i < count; i++)
            {
                ref var e = ref _path[offset + i];
                _phi[e.Feature] += UnwoundSum(offset, count, i) * (e.One - e.Zero) * value;
            }
            return;
        }
        var f = tree.Feature[node];
        var hot = tree.Next(node, _x[f]);
        var cold = hot == tree.Left[node] ? tree.Right[node] : tree.Left[node];
        double inZero = 1, inOne = 1;
        for (var k = 1; k < count; k++)
        {
            if (_path[offset + k].Feature != f)
                continue;
            inZero = _path[offset + k].Zero;
            inOne = _path[offset + k].One;
            Unwind(offset, count, k);
            count--;
            break;
        }
        var cover = tree.Cover[node];
        var child = offset + count + 1;
        Array.Copy(_path, offset, _path, child, count);
        Recurse(hot, child, count, inZero * tree.Cover[hot] / cover, inOne, f);
        Array.Copy(_path, offset, _path, child, count);
        Recurse(cold, child, count, inZero * tree.Cover[cold] / cover, 0, f);
    }

    /// <summary>Appends (feature, zero, one) to the path of <paramref name="length"/> elements and updates the weights.</summary>
    private void Extend(int offset, int length, double zero, double one, int feature)
    {
        var p = _path.AsSpan(offset, length + 1);
        p[length] = new PathElement { Feature = feature, Zero = zero, One = one, Weight = length == 0 ? 1 : 0 };
        for (var i = length - 1; i >= 0; i--)
        {
            p[i + 1].Weight += one * p[i].Weight * (i + 1) / (length + 1);
            p[i].Weight = zero * p[i].Weight * (length - i) / (length + 1);
        }
    }

    /// <summary>Removes element <paramref name="index"/> from a path of <paramref name="count"/> elements (inverse of Extend).</summary>
    private void Unwind(int offset, int count, int index)
    {
        var p = _path.AsSpan(offset, count);
        var one = p[index].One;
        var zero = p[index].Zero;
        var next = p[count - 1].Weight;
        for (var j = count - 2; j >= 0; j--)
        {
            if (one != 0)
            {
                var t = p[j].Weight;
                p[j].Weight = next * count / ((j + 1) * one);
                next = t - p[j].Weight * zero * (count - 1 - j) / count;
            }
            else
            {
                p[j].Weight = p[j].Weight * count / (zero * (count - 1 - j));
            }
        }
        for (var j = index; j < count - 1; j++)
        {
            p[j].Feature = p[j + 1].Feature;
            p[j].Zero = p[j + 1].Zero;
            p[j].One = p[j + 1].One;
        }
    }

    /// <summary>Sum of the weights the path would have after unwinding element <paramref name="index"/>.</summary>
    private double UnwoundSum(int offset, int count, int index)
    {
        var p = _path.AsSpan(offset, count);
        var one = p[index].One;
        var zero = p[index].Zero;
        var next = p[count - 1].Weight;
        double total = 0;
        for (var j = count - 2; j >= 0; j--)
        {
            if (one != 0)
            {
                var w = next * count / ((j + 1) * one);
                total += w;
                next = p[j].Weight - w * zero * (count - 1 - j) / count;
            }
            else
            {
                total += p[j].Weight * count / (zero * (count - 1 - j));
            }
        }
        return total;
    }
}
