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
        if (_toSplit.Count == 1 || _data.Rows < ParallelGradientRows)
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
        var (nl, nr) = best.Categorical
            ? PartitionRows(node.Begin, node.End, best.Feature, best.Bin, best.DefaultLeft, categorical: true)
            : PartitionRows(node.Begin, node.End, best.Feature, best.Bin, best.DefaultLeft, categorical: false);
        Array.Copy(_scratch, node.Begin, _rows, nl, nr - node.Begin);
        ref var l = ref _nodes[_left[p]];
        ref var r = ref _nodes[_right[p]];
        l = new Node { Begin = node.Begin, End = nl, Depth = node.Depth + 1, G = best.GradLeft, H = best.HessLeft, Best = SplitInfo.None };
        r = new Node { Begin = nl, End = node.End, Depth = node.Depth + 1, G = node.G - best.GradLeft, H = node.H - best.HessLeft, Best = SplitInfo.None };
    }

    /// <summary>
    /// Moves rows[begin..end) going left to the front of rows and the others to scratch, both in order. Branch-free:
    /// each row is written to both places and only the matching cursor advances, so the ~50/50 side of a row costs
    /// no mispredicted jump. Returns the end of the left rows in rows and of the right rows in scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (int Left, int Right) PartitionRows(int begin, int end, int feature, int threshold, bool defaultLeft, bool categorical)
    {
        ref var col = ref MemoryMarshal.GetArrayDataReference(_data.Bins);
        col = ref Unsafe.Add(ref col, (nint)feature * _data.Rows);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var scratch = ref MemoryMarshal.GetArrayDataReference(_scratch);
        var missingLeft = defaultLeft ? 1 : 0;
        int nl = begin, nr = begin;
        for (var k = begin; k < end; k++)
        {
            var row = Unsafe.Add(ref rows, k);
            int bin = Unsafe.Add(ref col, row);
            // Bin 0 (missing) goes the default way; threshold >= 1, so bin 0 never matches the value test.
            var value = categorical ? (bin == threshold ? 1 : 0) : ((uint)(bin - 1) < (uint)threshold ? 1 : 0);
            var left = value | (bin == 0 ? missingLeft : 0);
            Unsafe.Add(ref rows, nl) = row;      // nl <= k: this slot has been read already
            Unsafe.Add(ref scratch, nr) = row;
            nl += left;
            nr += 1 - left;
        }
        return (nl, nr);
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

