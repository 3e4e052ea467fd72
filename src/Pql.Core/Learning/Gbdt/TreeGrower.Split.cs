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
        if (_toSplit.Count == 1)
            Partition(_toSplit[0]);
        else
            Parallel.For(0, _toSplit.Count, _parallel, i => Partition(_toSplit[i]));

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
        EvaluateSplits();
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

    /// <summary>Builds the histograms of the nodes in _built and derives their siblings (parallel over features).</summary>
    private void BuildHistograms()
    {
        Parallel.For(0, _data.Features, _parallel, f =>
        {
            if (!_featureMask[f])
                return;
            var off = _data.HistOffset[f];
            var len = 2 * _data.Cuts.BinCount[f];
            for (var i = 0; i < _built.Count; i++)
            {
                ref var node = ref _nodes[_built[i]];
                var hist = node.Hist!;
                Array.Clear(hist, off, len);
                Accumulate(f, node.Begin, node.End, _identityRoot && node.Begin == 0 && node.End == _data.Rows, hist, off, len);
                if (_derived[i] >= 0)
                {
                    var big = _nodes[_derived[i]].Hist!;
                    for (var j = off; j < off + len; j++)
                        big[j] -= hist[j];
                }
            }
        });
    }

    [ThreadStatic]
    private static double[]? t_odd;

    /// <summary>
    /// Adds the node's g/h pairs into the feature's histogram. Even and odd rows go to two separate histograms that
    /// are summed at the end, so runs of rows in the same bin (binary and categorical features) do not serialise on
    /// one memory slot. The summation order is fixed, so results do not depend on threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accumulate(int f, int begin, int end, bool identity, double[] hist, int off, int len)
    {
        ref var bins = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_data.Bins), f * _data.Rows);
        ref var gh = ref MemoryMarshal.GetArrayDataReference(_gh);
        ref var h0 = ref At(hist, off);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        var odd = t_odd ??= new double[512];
        Array.Clear(odd, 0, len);
        ref var h1 = ref MemoryMarshal.GetArrayDataReference(odd);
        var k = begin;
        if (identity)
        {
            for (; k + 1 < end; k += 2)
            {
                var a = 2 * Unsafe.Add(ref bins, k);
                var b = 2 * Unsafe.Add(ref bins, k + 1);
                Unsafe.Add(ref h0, a) += Unsafe.Add(ref gh, 2 * k);
                Unsafe.Add(ref h0, a + 1) += Unsafe.Add(ref gh, 2 * k + 1);
                Unsafe.Add(ref h1, b) += Unsafe.Add(ref gh, 2 * k + 2);
                Unsafe.Add(ref h1, b + 1) += Unsafe.Add(ref gh, 2 * k + 3);
            }
            if (k < end)
            {
                var a = 2 * Unsafe.Add(ref bins, k);
                Unsafe.Add(ref h0, a) += Unsafe.Add(ref gh, 2 * k);
                Unsafe.Add(ref h0, a + 1) += Unsafe.Add(ref gh, 2 * k + 1);
            }
        }
        else
        {
            for (; k + 1 < end; k += 2)
            {
                var r0 = Unsafe.Add(ref rows, k);
                var r1 = Unsafe.Add(ref rows, k + 1);
                var a = 2 * Unsafe.Add(ref bins, r0);
                var b = 2 * Unsafe.Add(ref bins, r1);
                Unsafe.Add(ref h0, a) += Unsafe.Add(ref gh, 2 * r0);
                Unsafe.Add(ref h0, a + 1) += Unsafe.Add(ref gh, 2 * r0 + 1);
                Unsafe.Add(ref h1, b) += Unsafe.Add(ref gh, 2 * r1);
                Unsafe.Add(ref h1, b + 1) += Unsafe.Add(ref gh, 2 * r1 + 1);
            }
            if (k < end)
            {
                var r0 = Unsafe.Add(ref rows, k);
                var a = 2 * Unsafe.Add(ref bins, r0);
                Unsafe.Add(ref h0, a) += Unsafe.Add(ref gh, 2 * r0);
                Unsafe.Add(ref h0, a + 1) += Unsafe.Add(ref gh, 2 * r0 + 1);
            }
        }
        for (var j = 0; j < len; j++)
            Unsafe.Add(ref h0, j) += odd[j];
    }

    /// <summary>Best split per node in _evaluate: per-feature search in parallel, then a fixed-order reduction.</summary>
    private void EvaluateSplits()
    {
        var features = _data.Features;
        var need = _evaluate.Count * features;
        if (_featureBest.Length < need)
            _featureBest = new SplitInfo[need];
        Parallel.For(0, features, _parallel, f =>
        {
            var off = _data.HistOffset[f];
            var len = 2 * _data.Cuts.BinCount[f];
            var cat = _data.Cuts.IsCategorical[f];
            for (var i = 0; i < _evaluate.Count; i++)
            {
                ref var node = ref _nodes[_evaluate[i]];
                _featureBest[i * features + f] = _featureMask[f] && node.H >= 2 * _options.MinChildWeight
                    ? SplitFinder.Best(node.Hist.AsSpan(off, len), f, cat, node.G, node.H, _options.Lambda, _options.MinChildWeight)
                    : SplitInfo.None;
            }
        });
        for (var i = 0; i < _evaluate.Count; i++)
        {
            var best = SplitInfo.None;
            for (var f = 0; f < features; f++)
            {
                if (_featureBest[i * features + f].Gain > best.Gain)
                    best = _featureBest[i * features + f];
            }
            _nodes[_evaluate[i]].Best = best;
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

