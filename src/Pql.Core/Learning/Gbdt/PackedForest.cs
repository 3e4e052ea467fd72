using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// The trees laid out for batch prediction: each tree as a complete binary tree of its depth in heap order
/// (children of node j at 2j + 1 and 2j + 2), so a step is j = 2j + 1 + (x goes right) with no child
/// pointers to load, and every row takes exactly the tree's depth in steps. A leaf above the last level is
/// padded with copies of itself, so whichever way the padding routes a row it lands on the same value.
/// A block of rows walks each tree level by level, so the rows' memory accesses overlap instead of waiting
/// on each other. With AVX2, eight rows step together: two gathers fetch their nodes' (feature | flags) and
/// thresholds, one gathers x, and numeric, categorical and missing routing are blended as masks.
/// Rows left over (and machines without AVX2) step one at a time with the same rules. Leaf values are added
/// to each row's sum in tree order, so every path gives bit-identical results.
/// Trees deeper than <see cref="MaxDepth"/> (leaf-wise growth can make them) would make the padding too
/// large; <see cref="TryCreate"/> declines them and callers walk the trees one by one.
/// </summary>
internal sealed class PackedForest
{
    public const int MaxDepth = 12;

    /// <summary>Set on a node whose missing values go right.</summary>
    private const int MissingRightBit = 1 << 31;
    /// <summary>Set on a categorical node (x == threshold goes left).</summary>
    private const int CategoricalBit = 1 << 30;
    private const int FeatureMask = CategoricalBit - 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        /// <summary>Feature index | <see cref="CategoricalBit"/> | <see cref="MissingRightBit"/>.</summary>
        public int FeatureFlags;
        public float Threshold;
    }

    private readonly Node[] _nodes;
    private readonly double[] _leafValue;
    /// <summary>Per tree: offset of its root in _nodes, of its first leaf in _leafValue, and its depth.</summary>
    private readonly int[] _nodeStart;
    private readonly int[] _leafStart;
    private readonly int[] _depth;

    /// <summary>
    /// Compiles the walk once per process when the first forest is packed (at the end of training or when a
    /// model is loaded), so the first batch scored does not also pay the JIT's few milliseconds.
    /// </summary>
    static PackedForest()
    {
        foreach (var name in (string[])[nameof(CopyRows), nameof(AddBlock), nameof(StepRows), nameof(StepVectors)])
        {
            var method = typeof(PackedForest).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance);
            RuntimeHelpers.PrepareMethod(method!.MethodHandle);
        }
    }

    private PackedForest(IReadOnlyList<RegressionTree> trees, int[] depth)
    {
        _depth = depth;
        _nodeStart = new int[trees.Count];
        _leafStart = new int[trees.Count];
        int nodes = 0, leaves = 0;
        for (var k = 0; k < trees.Count; k++)
        {
            _nodeStart[k] = nodes;
            _leafStart[k] = leaves;
            nodes += (1 << depth[k]) - 1;
            leaves += 1 << depth[k];
        }
        _nodes = new Node[nodes];
        _leafValue = new double[leaves];
        for (var k = 0; k < trees.Count; k++)
            Place(trees[k], 0, 0, 0, k);
    }

    /// <summary>Packs the trees, or returns null when one is deeper than <see cref="MaxDepth"/>.</summary>
    public static PackedForest? TryCreate(IReadOnlyList<RegressionTree> trees)
    {
        var depth = new int[trees.Count];
        for (var k = 0; k < trees.Count; k++)
        {
            depth[k] = Depth(trees[k], 0);
            if (depth[k] > MaxDepth)
                return null;
        }
        return new PackedForest(trees, depth);
    }

    public int TreeCount => _depth.Length;

    /// <summary>Whether blocks step eight rows at a time with AVX2 gathers (tests turn it off to compare).</summary>
    public bool UseVectors { get; set; } = Avx2.IsSupported;

    private static int Depth(RegressionTree t, int node) =>
        t.Left[node] < 0 ? 0 : 1 + Math.Max(Depth(t, t.Left[node]), Depth(t, t.Right[node]));

    /// <summary>Copies tree node <paramref name="node"/> to heap slot <paramref name="slot"/> at level <paramref name="level"/>.</summary>
    private void Place(RegressionTree t, int node, int slot, int level, int k)
    {
        var depth = _depth[k];
        if (level == depth)
        {
            _leafValue[_leafStart[k] + slot - ((1 << depth) - 1)] = t.Value[node];
            return;
        }
        if (t.Left[node] < 0)
        {
            // A leaf above the last level: a pass-through node with the leaf copied below both sides.
            _nodes[_nodeStart[k] + slot] = new Node { FeatureFlags = 0, Threshold = float.PositiveInfinity };
            Place(t, node, 2 * slot + 1, level + 1, k);
            Place(t, node, 2 * slot + 2, level + 1, k);
            return;
        }
        var flags = t.Flags[node];
        _nodes[_nodeStart[k] + slot] = new Node
        {
            FeatureFlags = t.Feature[node]
                | ((flags & RegressionTree.CategoricalFlag) != 0 ? CategoricalBit : 0)
                | ((flags & RegressionTree.DefaultLeftFlag) != 0 ? 0 : MissingRightBit),
            Threshold = t.Threshold[node],
        };
        Place(t, t.Left[node], 2 * slot + 1, level + 1, k);
        Place(t, t.Right[node], 2 * slot + 2, level + 1, k);
    }

    /// <summary>Copies rows [start, start + count) of aligned columns into a row-major block: block[i * F + f].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyRows(float[][] columns, int start, int count, Span<float> block)
    {
        var features = columns.Length;
        for (var f = 0; f < features; f++)
        {
            var col = columns[f].AsSpan(start, count);
            for (var i = 0; i < col.Length; i++)
                block[i * features + f] = col[i];
        }
    }

    /// <summary>Adds every tree's output, in tree order, to acc[i] for the rows of a row-major block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBlock(ReadOnlySpan<float> rows, int features, Span<double> acc, Span<int> at)
    {
        if ((long)rows.Length >= int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rows), "a block must hold fewer than 2^31 values");
        var count = acc.Length;
        at = at[..count];
        var vectorRows = UseVectors && Avx2.IsSupported ? count & ~7 : 0;
        for (var k = 0; k < _depth.Length; k++)
        {
            at.Clear();
            var depth = _depth[k];
            var nodes = _nodes.AsSpan(_nodeStart[k], Math.Max(0, (1 << depth) - 1));
            for (var d = 0; d < depth; d++)
            {
                if (vectorRows > 0)
                    StepVectors(nodes, rows, features, at[..vectorRows]);
                StepRows(nodes, rows, features, at, vectorRows);
            }
            var leaves = _leafValue.AsSpan(_leafStart[k], 1 << depth);
            var firstLeaf = (1 << depth) - 1; // heap index of the last level's first slot
            for (var i = 0; i < count; i++)
                acc[i] += leaves[at[i] - firstLeaf];
        }
    }

    /// <summary>One level for rows [from, at.Length), one row at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepRows(ReadOnlySpan<Node> nodes, ReadOnlySpan<float> rows, int features, Span<int> at, int from)
    {
        ref var n0 = ref MemoryMarshal.GetReference(nodes);
        ref var x0 = ref MemoryMarshal.GetReference(rows);
        for (var i = from; i < at.Length; i++)
        {
            var j = at[i];
            var n = Unsafe.Add(ref n0, j);
            var x = Unsafe.Add(ref x0, i * features + (n.FeatureFlags & FeatureMask));
            // Numeric nodes without a branch on x (which way x goes is a coin flip to the branch predictor):
            // right = x > t, or the node's missing direction when x is NaN.
            var right = (x > n.Threshold ? 1 : 0) | ((float.IsNaN(x) ? 1 : 0) & (int)((uint)n.FeatureFlags >> 31));
            if ((n.FeatureFlags & CategoricalBit) != 0 && !float.IsNaN(x))
                right = x != n.Threshold ? 1 : 0;
            at[i] = 2 * j + 1 + right;
        }
    }

    /// <summary>One level for a multiple of eight rows, eight at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void StepVectors(ReadOnlySpan<Node> nodes, ReadOnlySpan<float> rows, int features, Span<int> at)
    {
        fixed (Node* n0 = nodes)
        fixed (float* x0 = rows)
        fixed (int* atp = at)
        {
            var flagsBase = (int*)n0;
            var thresholdBase = (float*)n0 + 1;
            var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * features;
            var one = Vector256.Create(1);
            var featureMask = Vector256.Create(FeatureMask);
            for (var i = 0; i < at.Length; i += 8)
            {
                var j = Avx.LoadVector256(atp + i);
                var field = j + j; // 8-byte nodes: field index = node * 2
                var flags = Avx2.GatherVector256(flagsBase, field, 4);
                var threshold = Avx2.GatherVector256(thresholdBase, field, 4);
                var x = Avx2.GatherVector256(x0, Vector256.Create(i * features) + lane + (flags & featureMask), 4);
                var numericRight = Avx.CompareGreaterThan(x, threshold).AsInt32();
                var categoricalRight = Avx.CompareNotEqual(x, threshold).AsInt32();
                var isCategorical = Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(flags, 1), 31);
                var right = Avx2.BlendVariable(numericRight, categoricalRight, isCategorical);
                var missingRight = Avx2.ShiftRightArithmetic(flags, 31);
                right = Avx2.BlendVariable(right, missingRight, Avx.CompareUnordered(x, x).AsInt32());
                Avx.Store(atp + i, field + one - right); // 2j + 1, plus 1 more when right (mask -1)
            }
        }
    }
}
