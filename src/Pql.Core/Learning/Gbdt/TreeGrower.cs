using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// Grows one regression tree on binned data from interleaved gradient/hessian pairs. Rows of a node are a
/// contiguous, ascending segment of one row-index array that is stably partitioned on every split. For each
/// split only the smaller child's histogram is built (in parallel over features); the sibling's is the parent's
/// minus it. Buffers are reused across trees, so growing a tree allocates only the tree itself.
/// </summary>
internal sealed partial class TreeGrower
{
    private readonly BinnedData _data;
    private readonly GbdtOptions _options;
    private readonly ParallelOptions _parallel;
    private readonly int[] _rows;
    private readonly int[] _scratch;
    private readonly Stack<double[]> _histPool = new();
    private readonly int _maxLeaves;
    private readonly Node[] _nodes;
    private readonly int[] _feature;
    private readonly int[] _bin;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly byte[] _flags;
    private readonly double[] _value;
    private readonly double[] _cover;
    private readonly List<int> _frontier = [];
    private readonly List<int> _toSplit = [];
    private readonly List<int> _built = [];
    private readonly List<int> _derived = [];
    private readonly List<int> _evaluate = [];
    private SplitInfo[] _featureBest = [];
    private int[] _activeFeatures = [];
    private bool[] _featureMask = [];
    private float[] _gh = [];
    private int _nodeCount;
    private bool _identityRoot;

    private struct Node
    {
        public int Begin;
        public int End;
        public int Depth;
        public double G;
        public double H;
        public double[]? Hist;
        public SplitInfo Best;
    }

    public TreeGrower(BinnedData data, GbdtOptions options)
    {
        _data = data;
        _options = options;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveThreads };
        _rows = new int[data.Rows];
        _scratch = new int[data.Rows];
        // Leaves per tree are bounded by 2^depth, the row count and 65,536 (deeper trees are not useful here).
        var depthLeaves = options.MaxDepth >= 16 ? 1 << 16 : 1 << options.MaxDepth;
        _maxLeaves = Math.Max(1, Math.Min(options.MaxLeaves > 0 ? Math.Min(options.MaxLeaves, depthLeaves) : depthLeaves, data.Rows));
        var maxNodes = 2 * _maxLeaves - 1;
        _nodes = new Node[maxNodes];
        _feature = new int[maxNodes];
        _bin = new int[maxNodes];
        _left = new int[maxNodes];
        _right = new int[maxNodes];
        _flags = new byte[maxNodes];
        _value = new double[maxNodes];

        _cover = new double[maxNodes];
    }

    /// <summary>The row-index array: the caller fills rows[0..count) (ascending) before <see cref="Grow"/>.</summary>
    public int[] Rows => _rows;

    /// <summary>Grows a tree over rows[0..count) (ascending; count = Rows means all rows in order).</summary>
    public RegressionTree Grow(float[] gh, int count, bool[] featureMask)
    {
        _gh = gh;
        _identityRoot = count == _data.Rows;
        _featureMask = featureMask;
        _nodeCount = 1;
        _nodes[0] = new Node { Begin = 0, End = count, Depth = 0, Best = SplitInfo.None };
        _left[0] = -1;
        _right[0] = -1;
        _nodes[0].Hist = Rent();
        _built.Clear();
        _derived.Clear();
        _built.Add(0);
        _derived.Add(-1);
        SumRoot(count);
        EnsureCandidates(1);
        _evaluate.Clear();
        _evaluate.Add(0);
        BuildHistograms();
        ReduceSplits();
        _frontier.Clear();
        if (CanSplit(0))
            _frontier.Add(0);
        else
            Release(0);
        var leaves = 1;
        while (_frontier.Count > 0 && leaves < _maxLeaves)
        {
            _toSplit.Clear();
            if (_options.MaxLeaves > 0)
            {
                var pick = 0;
                for (var i = 1; i < _frontier.Count; i++)
                {
                    if (_nodes[_frontier[i]].Best.Gain > _nodes[_frontier[pick]].Best.Gain)
                        pick = i;
                }
                _toSplit.Add(_frontier[pick]);
                _frontier.RemoveAt(pick);
            }
            else
            {
                var budget = _maxLeaves - leaves;
                for (var i = 0; i < _frontier.Count; i++)
                {
                    if (i < budget)
                        _toSplit.Add(_frontier[i]);
                    else
                        Release(_frontier[i]);
                }
                _frontier.Clear();
            }
            leaves += _toSplit.Count;
            SplitNodes();
        }
        foreach (var node in _frontier)
            Release(node);
        return Finish();
    }

    /// <summary>
    /// Adds each leaf's value to the margins of the rows the partition put in it and refreshes those rows'
    /// gradients (leaves in parallel on large inputs; leaves own disjoint rows, so the result is the same).
    /// </summary>
    public void AddLeafValues(RegressionTree tree, double[] margin, byte[] labels, double posWeight, float[] gh)
    {
        if (_data.Rows < ParallelRows)
        {
            for (var i = 0; i < _nodeCount; i++)
                AddLeaf(tree, i, margin, labels, posWeight, gh);
        }
        else
        {
            Parallel.For(0, _nodeCount, _parallel, i => AddLeaf(tree, i, margin, labels, posWeight, gh));
        }
    }

    /// <summary>Below this many rows, simple passes run on one thread: a parallel region costs more than it saves.</summary>
    private const int ParallelRows = 262_144;

    private void AddLeaf(RegressionTree tree, int node, double[] margin, byte[] labels, double posWeight, float[] gh)
    {
        if (_left[node] >= 0)
            return;
        var v = tree.Value[node];
        for (var k = _nodes[node].Begin; k < _nodes[node].End; k++)
        {
            var r = _rows[k];
            margin[r] += v;
            GbdtTrainer.Gradient(margin[r], labels[r], posWeight, gh, r);
        }
    }

    private bool CanSplit(int node) =>
        _nodes[node].Best.Feature >= 0 && _nodes[node].Best.Gain > Math.Max(_options.MinSplitGain, 1e-6)
        && _nodes[node].Depth < _options.MaxDepth;

    private void EnsureCandidates(int nodes)
    {
        if (_featureBest.Length < nodes * _data.Features)
            _featureBest = new SplitInfo[Math.Max(nodes, Math.Min(_nodes.Length, 2 * nodes)) * _data.Features];
    }

    /// <summary>Root gradient and hessian sums over fixed blocks of rows, added in block order (thread-count independent).</summary>
    private void SumRoot(int count)
    {
        const int block = 16384;
        var blocks = (count + block - 1) / block;
        var partial = new double[2 * blocks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = count < ParallelRows ? 1 : _parallel.MaxDegreeOfParallelism };
        Parallel.For(0, blocks, options, b =>
        {
            double g = 0, h = 0;
            var end = Math.Min(count, (b + 1) * block);
            for (var k = b * block; k < end; k++)
            {
                var r = _rows[k];
                g += _gh[2 * r];
                h += _gh[2 * r + 1];
            }
            partial[2 * b] = g;
            partial[2 * b + 1] = h;
        });
        double gs = 0, hs = 0;
        for (var b = 0; b < blocks; b++)
        {
            gs += partial[2 * b];
            hs += partial[2 * b + 1];
        }
        _nodes[0].G = gs;
        _nodes[0].H = hs;
    }

    private double[] Rent()
    {
        if (_histPool.TryPop(out var hist))
            return hist;
        return new double[_data.HistLength];
    }

    private void Release(int node)
    {
        if (_nodes[node].Hist is { } hist)
        {
            _histPool.Push(hist);
            _nodes[node].Hist = null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double At(double[] a, int i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), i);
}
