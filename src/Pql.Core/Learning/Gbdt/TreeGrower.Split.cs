using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pql.Core.Learning.Gbdt;

internal sealed partial class TreeGrower
{
    private void SplitNodes()
    {
        foreach (var p in _toSplit)
        {
            ref var node = ref _nodes[p];
            var l = _nodeCount++;
            var r = _nodeCount++;
            _feature[p] = node.Best.Feature;
            _bin[p] = node.Best.Bin;
            _flags[p] = (byte)((node.Best.DefaultLeft ? RegressionTree.DefaultLeftFlag : 0) | (node.Best.Categorical ? RegressionTree.CategoricalFlag : 0));
            _left[p] = l;
            _right[p] = r;
            _left[l] = _right[l] = _left[r] = _right[r] = -1;
        }
        EnsureCandidates(_nodeCount);
        if (_toSplit.Count == 1 || _data.Rows < ParallelRows)
        {
            foreach (var p in _toSplit)
                Partition(p);
        }
        else
        {
            Parallel.For(0, _toSplit.Count, _parallel, i => Partition(_toSplit[i]));
        }

        _built.Clear();
        _derived.Clear();
        _evaluate.Clear();
        foreach (var p in _toSplit)
        {
            var l = _left[p];
            var r = _right[p];
            if (_nodes[p].Depth + 1 < _options.MaxDepth)
            {
                var small = _nodes[l].End - _nodes[l].Begin <= _nodes[r].End - _nodes[r].Begin ? l : r;
                var large = small == l ? r : l;
                _nodes[small].Hist = Rent();
                _nodes[large].Hist = _nodes[p].Hist;   // becomes parent - small in place
                _nodes[p].Hist = null;
                _built.Add(small);
                _derived.Add(large);
                _evaluate.Add(l);
                _evaluate.Add(r);
            }
            else
            {
                Release(p);
            }
        }
        if (_built.Count == 0)
            return;
        BuildHistograms();
        ReduceSplits();
        foreach (var c in _evaluate)
        {
            if (CanSplit(c))
                _frontier.Add(c);
            else
                Release(c);
        }
    }

    /// <summary>Stable partition of a node's rows into its two children; sets their segments and sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Partition(int p)
    {
        ref var node = ref _nodes[p];
        var best = node.Best;
        var col = _data.Column(best.Feature);
        var defaultLeft = best.DefaultLeft;
        var threshold = best.Bin;
        int nl = node.Begin, nr = node.Begin;
        for (var k = node.Begin; k < node.End; k++)
        {
            var row = _rows[k];
            int bin = col[row];
            var left = bin == 0 ? defaultLeft : best.Categorical ? bin == threshold : bin <= threshold;
            if (left)
                _rows[nl++] = row;
            else
                _scratch[nr++] = row;
        }
        Array.Copy(_scratch, node.Begin, _rows, nl, nr - node.Begin);
        ref var l = ref _nodes[_left[p]];
        ref var r = ref _nodes[_right[p]];
        l = new Node { Begin = node.Begin, End = nl, Depth = node.Depth + 1, G = best.GradLeft, H = best.HessLeft, Best = SplitInfo.None };
        r = new Node { Begin = nl, End = node.End, Depth = node.Depth + 1, G = node.G - best.GradLeft, H = node.H - best.HessLeft, Best = SplitInfo.None };
    }

    /// <summary>
    /// Builds the histograms of the nodes in _built and derives their siblings, then
    /// searches both for their best split on each feature, all in one parallel pass. Features are split into groups of about
    /// six; a group walks each node's rows once and, per row, reads the g/h pair once and adds it to
    /// every feature of the group. Consecutive updates thus hit different histograms, so runs of rows in one bin
    /// (binary and categorical features) do not wait on each other. Each feature's bins still receive rows in row
    /// order, so the sums (and the trees) do not depend on the grouping or the thread count.
    /// </summary>
    private void BuildHistograms()
    {
        var active = 0;
        for (var f = 0; f < _data.Features; f++)
            active += _featureMask[f] ? 1 : 0;
        if (_activeFeatures.Length != active)
            _activeFeatures = new int[active];
        for (int f = 0, j = 0; f < _data.Features; f++)
        {
            if (_featureMask[f])
                _activeFeatures[j++] = f;
        }
        // About six features per group keeps a group's histograms (6 x 256 bins x 16 bytes) inside the L1 cache;
        // the count is rounded up to a multiple of the thread count so threads get equal shares.
        var threads = _parallel.MaxDegreeOfParallelism;
        var groups = Math.Max(1, Math.Min(active, (active + 5) / 6));
        groups = Math.Min(active, (groups + threads - 1) / threads * threads);
        Parallel.For(0, groups, _parallel, g =>
        {
            var a0 = (int)((long)g * active / groups);
            var a1 = (int)((long)(g + 1) * active / groups);
            var m = a1 - a0;
            Span<int> colOff = stackalloc int[m];
            Span<int> histOff = stackalloc int[m];
            for (var j = 0; j < m; j++)
            {
                colOff[j] = _activeFeatures[a0 + j] * _data.Rows;
                histOff[j] = _data.HistOffset[_activeFeatures[a0 + j]];
            }
            for (var i = 0; i < _built.Count; i++)
            {
                ref var node = ref _nodes[_built[i]];
                var hist = node.Hist!;
                for (var j = a0; j < a1; j++)
                {
                    var f = _activeFeatures[j];
                    Array.Clear(hist, _data.HistOffset[f], 2 * _data.Cuts.BinCount[f]);
                }
                var identity = _identityRoot && node.Begin == 0 && node.End == _data.Rows;
                if (identity)
                    AccumulateDense(colOff, histOff, node.Begin, node.End, hist);
                else
                    AccumulateRows(colOff, histOff, node.Begin, node.End, hist);
                var derived = _derived[i];
                for (var j = a0; j < a1; j++)
                {
                    var f = _activeFeatures[j];
                    EvaluateFeature(_built[i], f);
                    if (derived < 0)
                        continue;
                    var big = _nodes[derived].Hist!;
                    var off = _data.HistOffset[f];
                    var len = 2 * _data.Cuts.BinCount[f];
                    for (var k = off; k < off + len; k++)
                        big[k] -= hist[k];
                    EvaluateFeature(derived, f);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateDense(ReadOnlySpan<int> colOff, ReadOnlySpan<int> histOff, int begin, int end, double[] hist)
    {
        ref var bins = ref MemoryMarshal.GetArrayDataReference(_data.Bins);
        ref var gh = ref MemoryMarshal.GetArrayDataReference(_gh);
        ref var h = ref MemoryMarshal.GetArrayDataReference(hist);
        ref var cols = ref MemoryMarshal.GetReference(colOff);
        ref var offs = ref MemoryMarshal.GetReference(histOff);
        var m = colOff.Length;
        for (var r = begin; r < end; r++)
        {
            double g = Unsafe.Add(ref gh, 2 * r);
            double hh = Unsafe.Add(ref gh, 2 * r + 1);
            for (var j = 0; j < m; j++)
            {
                var slot = Unsafe.Add(ref offs, j) + 2 * Unsafe.Add(ref bins, Unsafe.Add(ref cols, j) + r);
                Unsafe.Add(ref h, slot) += g;
                Unsafe.Add(ref h, slot + 1) += hh;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateRows(ReadOnlySpan<int> colOff, ReadOnlySpan<int> histOff, int begin, int end, double[] hist)
    {
        ref var bins = ref MemoryMarshal.GetArrayDataReference(_data.Bins);
        ref var gh = ref MemoryMarshal.GetArrayDataReference(_gh);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var h = ref MemoryMarshal.GetArrayDataReference(hist);
        ref var cols = ref MemoryMarshal.GetReference(colOff);
        ref var offs = ref MemoryMarshal.GetReference(histOff);
        var m = colOff.Length;
        for (var k = begin; k < end; k++)
        {
            var r = Unsafe.Add(ref rows, k);
            double g = Unsafe.Add(ref gh, 2 * r);
            double hh = Unsafe.Add(ref gh, 2 * r + 1);
            for (var j = 0; j < m; j++)
            {
                var slot = Unsafe.Add(ref offs, j) + 2 * Unsafe.Add(ref bins, Unsafe.Add(ref cols, j) + r);
                Unsafe.Add(ref h, slot) += g;
                Unsafe.Add(ref h, slot + 1) += hh;
            }
        }
    }

    /// <summary>Searches one node's histogram of one feature (called inside the feature group's task).</summary>
    private void EvaluateFeature(int node, int f)
    {
        ref var n = ref _nodes[node];
        _featureBest[node * _data.Features + f] = n.H >= 2 * _options.MinChildWeight
            ? SplitFinder.Best(n.Hist.AsSpan(_data.HistOffset[f], 2 * _data.Cuts.BinCount[f]), f, _data.Cuts.IsCategorical[f],
                n.G, n.H, _options.Lambda, _options.MinChildWeight)
            : SplitInfo.None;
    }

    /// <summary>Best split per node in _evaluate: a fixed-order reduction over the active features' candidates.</summary>
    private void ReduceSplits()
    {
        var features = _data.Features;
        foreach (var node in _evaluate)
        {
            var best = SplitInfo.None;
            foreach (var f in _activeFeatures)
            {
                if (_featureBest[node * features + f].Gain > best.Gain)
                    best = _featureBest[node * features + f];
            }
            _nodes[node].Best = best;
        }
    }

    private RegressionTree Finish()
    {
        var n = _nodeCount;
        var tree = new RegressionTree
        {
            Feature = new int[n],
            Threshold = new float[n],
            BinThreshold = new int[n],
            Left = new int[n],
            Right = new int[n],
            Flags = new byte[n],
            Value = new double[n],
            Cover = new double[n],
        };
        for (var i = 0; i < n; i++)
        {
            tree.Left[i] = _left[i];
            tree.Right[i] = _right[i];
            tree.Cover[i] = _nodes[i].H;
            if (_left[i] < 0)
            {
                tree.Feature[i] = -1;
                tree.Value[i] = _options.LearningRate * SplitFinder.LeafWeight(_nodes[i].G, _nodes[i].H, _options.Lambda);
                continue;
            }
            var f = _feature[i];
            tree.Feature[i] = f;
            tree.BinThreshold[i] = _bin[i];
            tree.Flags[i] = _flags[i];
            tree.Threshold[i] = _data.Cuts.IsCategorical[f] ? _bin[i] - 1 : _data.Cuts.Upper[f][_bin[i] - 1];
        }
        return tree;
    }
}

