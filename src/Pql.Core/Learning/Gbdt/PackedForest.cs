using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// All trees in one array of 16-byte nodes for batch prediction. The two children of a node are adjacent
/// (right = left + 1), so a step is node = Left + (x goes right ? 1 : 0), computed without a data-dependent
/// branch for plain numeric nodes. A block of rows walks each tree level by level, so the rows' memory
/// accesses overlap instead of waiting on each other.
/// </summary>
internal sealed class PackedForest
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        public int Feature;
        public float Threshold;
        /// <summary>Absolute index of the left child; -1 for a leaf.</summary>
        public int Left;
        /// <summary>0 = numeric with missing going right (the fast path); otherwise RegressionTree flags | 4.</summary>
        public int Mode;
    }

    private readonly Node[] _nodes;
    private readonly double[] _value;
    private readonly int[] _root;
    private readonly int[] _depth;

    public PackedForest(IReadOnlyList<RegressionTree> trees)
    {
        var total = 0;
        foreach (var t in trees)
            total += t.NodeCount;
        _nodes = new Node[total];
        _value = new double[total];
        _root = new int[trees.Count];
        _depth = new int[trees.Count];
        var offset = 0;
        for (var k = 0; k < trees.Count; k++)
        {
            var t = trees[k];
            _root[k] = offset;
            _depth[k] = Depth(t, 0);
            for (var i = 0; i < t.NodeCount; i++)
            {
                var leaf = t.Left[i] < 0;
                if (!leaf && t.Right[i] != t.Left[i] + 1)
                    throw new InvalidDataException("tree nodes must have adjacent children");
                _nodes[offset + i] = new Node
                {
                    Feature = leaf ? 0 : t.Feature[i],
                    Threshold = t.Threshold[i],
                    Left = leaf ? -1 : offset + t.Left[i],
                    Mode = leaf || t.Flags[i] == 0 ? 0 : t.Flags[i] | 4,
                };
                _value[offset + i] = t.Value[i];
            }
            offset += t.NodeCount;
        }
    }

    public int TreeCount => _root.Length;

    private static int Depth(RegressionTree t, int node) =>
        t.Left[node] < 0 ? 0 : 1 + Math.Max(Depth(t, t.Left[node]), Depth(t, t.Right[node]));

    /// <summary>Adds every tree's output, in tree order, to acc[i] for the rows of a row-major block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBlock(ReadOnlySpan<float> rows, int features, Span<double> acc, Span<int> at)
    {
        var count = acc.Length;
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var x0 = ref MemoryMarshal.GetReference(rows);
        for (var k = 0; k < _root.Length; k++)
        {
            at[..count].Fill(_root[k]);
            var depth = _depth[k];
            for (var d = 0; d < depth; d++)
            {
                for (var i = 0; i < count; i++)
                {
                    ref var n = ref Unsafe.Add(ref nodes, at[i]);
                    if (n.Left < 0)
                        continue;
                    var x = Unsafe.Add(ref x0, i * features + n.Feature);
                    int right;
                    if (n.Mode == 0)
                        right = x <= n.Threshold ? 0 : 1;
                    else
                        right = Slow(n.Mode, n.Threshold, x);
                    at[i] = n.Left + right;
                }
            }
            for (var i = 0; i < count; i++)
                acc[i] += _value[at[i]];
        }
    }

    private static int Slow(int mode, float threshold, float x)
    {
        if (float.IsNaN(x))
            return (mode & RegressionTree.DefaultLeftFlag) != 0 ? 0 : 1;
        if ((mode & RegressionTree.CategoricalFlag) != 0)
            return x == threshold ? 0 : 1;
        return x <= threshold ? 0 : 1;
    }
}
