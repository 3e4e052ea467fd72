namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// One tree as flat arrays over all nodes (internal and leaves); node 0 is the root and Left[i] &lt; 0 marks a leaf.
/// Internal nodes route x left when: x is NaN and DefaultLeft; numeric: x &lt;= Threshold; categorical: x == Threshold (a code).
/// Cover is the hessian sum of the training rows that reached the node (what TreeSHAP weighs paths by).
/// </summary>
internal sealed class RegressionTree
{
    public const byte DefaultLeftFlag = 1;
    public const byte CategoricalFlag = 2;

    public required int[] Feature { get; init; }
    public required float[] Threshold { get; init; }
    /// <summary>The split in bin space (numeric: left when bin &lt;= BinThreshold; categorical: left when bin == BinThreshold).</summary>
    public required int[] BinThreshold { get; init; }
    public required int[] Left { get; init; }
    public required int[] Right { get; init; }
    public required byte[] Flags { get; init; }
    /// <summary>Leaf output in margin units (learning rate applied); unused on internal nodes.</summary>
    public required double[] Value { get; init; }
    public required double[] Cover { get; init; }

    public int NodeCount => Left.Length;

    public bool IsLeaf(int node) => Left[node] < 0;

    /// <summary>The child a value goes to from internal node <paramref name="node"/>.</summary>
    public int Next(int node, float x)
    {
        bool left;
        if (float.IsNaN(x))
            left = (Flags[node] & DefaultLeftFlag) != 0;
        else if ((Flags[node] & CategoricalFlag) != 0)
            left = x == Threshold[node];
        else
            left = x <= Threshold[node];
        return left ? Left[node] : Right[node];
    }

    /// <summary>Leaf value for one row given as a dense row-major buffer of features.</summary>
    public double Predict(ReadOnlySpan<float> row)
    {
        var node = 0;
        while (Left[node] >= 0)
            node = Next(node, row[Feature[node]]);
        return Value[node];
    }

    /// <summary>Leaf value for row <paramref name="r"/> of binned data.</summary>
    public double PredictBinned(BinnedData data, int r)
    {
        var node = 0;
        while (Left[node] >= 0)
        {
            int bin = data.Bins[Feature[node] * data.Rows + r];
            bool left = bin == 0
                ? (Flags[node] & DefaultLeftFlag) != 0
                : (Flags[node] & CategoricalFlag) != 0 ? bin == BinThreshold[node] : bin <= BinThreshold[node];
            node = left ? Left[node] : Right[node];
        }
        return Value[node];
    }
}
