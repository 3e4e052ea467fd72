using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pql.Core.Learning.Gbdt;

internal sealed partial class TreeGrower
{
    /// <summary>
    /// Builds the histograms of the nodes in _built and derives their siblings, then
    /// searches both for their best split on each feature, all in one parallel pass. Features are split into groups of about
    /// six; a group walks each node's rows once and, per row, reads the g/h pair once and adds it to
    /// every feature of the group. Consecutive updates thus hit different histograms, so runs of rows in one bin
    /// (binary and categorical features) do not wait on each other. Each feature's bins still receive rows in row
    /// order, so the sums (and the trees) do not depend on the grouping or the thread count.
    /// </summary>
    private const int ChunkRows = 16384;

    private void BuildHistograms()
    {
        var active = 0;
        for (var f = 0; f < _data.Features; f++)
            active += _featureMask[f] ? 1 : 0;
        if (_activeFeatures.Length != active)
        {
            _activeFeatures = new int[active];
            _activeOffsets = new int[active];
        }
        for (int f = 0, j = 0; f < _data.Features; f++)
        {
            if (!_featureMask[f])
                continue;
            _activeOffsets[j] = _data.HistOffset[f];
            _activeFeatures[j++] = f;
        }
        PlanChunks();
        if (_chunkCount > 0)
            Parallel.For(0, _chunkCount, _parallel, c => BuildChunk(c));

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
                histOff[j] = _activeOffsets[a0 + j];
            }
            for (var i = 0; i < _built.Count; i++)
            {
                ref var node = ref _nodes[_built[i]];
                var hist = node.Hist!;
                if (IsIdentity(node))
                {
                    for (var j = a0; j < a1; j++)
                        Array.Clear(hist, _activeOffsets[j], 2 * _data.Cuts.BinCount[_activeFeatures[j]]);
                    AccumulateDense(colOff, histOff, node.Begin, node.End, hist);
                }
                else
                {
                    AddPartials(i, a0, a1, hist);
                }
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
        for (var c = 0; c < _chunkCount; c++)
        {
            if (_chunkIndex[c] > 0)
                _histPool.Push(_chunkHist[c]);
        }
    }

    private bool IsIdentity(in Node node) => _identityRoot && node.Begin == 0 && node.End == _data.Rows;

    /// <summary>
    /// Splits every built node except a dense root into fixed chunks of <see cref="ChunkRows"/> rows. The first
    /// chunk accumulates straight into the node's histogram, later chunks into pooled partial histograms that are
    /// added in chunk order, so sums do not depend on the thread count.
    /// </summary>
    private void PlanChunks()
    {
        _chunkCount = 0;
        for (var i = 0; i < _built.Count; i++)
        {
            ref var node = ref _nodes[_built[i]];
            if (IsIdentity(node))
                continue;
            var k = 0;
            for (var b = node.Begin; b < node.End || k == 0; b += ChunkRows, k++)
            {
                if (_chunkCount == _chunkNode.Length)
                {
                    Array.Resize(ref _chunkNode, 2 * _chunkCount);
                    Array.Resize(ref _chunkIndex, 2 * _chunkCount);
                    Array.Resize(ref _chunkHist, 2 * _chunkCount);
                }
                _chunkNode[_chunkCount] = i;
                _chunkIndex[_chunkCount] = k;
                _chunkHist[_chunkCount] = k == 0 ? node.Hist! : Rent();
                _chunkCount++;
            }
        }
    }

    private void BuildChunk(int c)
    {
        ref var node = ref _nodes[_built[_chunkNode[c]]];
        var hist = _chunkHist[c];
        for (var j = 0; j < _activeFeatures.Length; j++)
            Array.Clear(hist, _activeOffsets[j], 2 * _data.Cuts.BinCount[_activeFeatures[j]]);   // inactive segments are never read
        var begin = node.Begin + _chunkIndex[c] * ChunkRows;
        var end = Math.Min(node.End, begin + ChunkRows);
        AccumulateRows(_activeFeatures, _activeOffsets, begin, end, hist);
    }

    /// <summary>Adds a node's later chunk histograms, in chunk order, into its first (for the group's features).</summary>
    private void AddPartials(int built, int a0, int a1, double[] hist)
    {
        for (var c = 0; c < _chunkCount; c++)
        {
            if (_chunkNode[c] != built || _chunkIndex[c] == 0)
                continue;
            var part = _chunkHist[c];
            for (var j = a0; j < a1; j++)
            {
                var off = _activeOffsets[j];
                var len = 2 * _data.Cuts.BinCount[_activeFeatures[j]];
                for (var k = off; k < off + len; k++)
                    hist[k] += part[k];
            }
        }
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
            var pair = Pair(ref gh, r);
            for (var j = 0; j < m; j++)
            {
                var slot = Unsafe.Add(ref offs, j) + 2 * Unsafe.Add(ref bins, Unsafe.Add(ref cols, j) + r);
                AddPair(ref h, slot, pair);
            }
        }
    }

    /// <summary>Rows _rows[begin..end) into a histogram for every active feature: bins are read row-major, so a row costs one cache line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateRows(ReadOnlySpan<int> features, ReadOnlySpan<int> histOff, int begin, int end, double[] hist)
    {
        ref var bins = ref MemoryMarshal.GetArrayDataReference(_data.RowBins);
        ref var gh = ref MemoryMarshal.GetArrayDataReference(_gh);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var h = ref MemoryMarshal.GetArrayDataReference(hist);
        ref var feat = ref MemoryMarshal.GetReference(features);
        ref var offs = ref MemoryMarshal.GetReference(histOff);
        var m = features.Length;
        var stride = _data.Features;
        if (m == stride)
        {
            // Every feature active (no column sampling): the row's bins are read in order, no feature indirection.
            for (var k = begin; k < end; k++)
            {
                var r = Unsafe.Add(ref rows, k);
                // A deep node's rows are scattered: ask for a later row's bins and gradients while this one is added.
                var ahead = Unsafe.Add(ref rows, Math.Min(k + PrefetchRows, end - 1));
                Prefetch(ref Unsafe.Add(ref bins, (nint)ahead * stride));
                Prefetch(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref gh, 2 * ahead)));
                var pair = Pair(ref gh, r);
                ref var rowBins = ref Unsafe.Add(ref bins, (nint)r * stride);
                for (var j = 0; j < m; j++)
                    AddPair(ref h, Unsafe.Add(ref offs, j) + 2 * Unsafe.Add(ref rowBins, j), pair);
            }
            return;
        }
        for (var k = begin; k < end; k++)
        {
            var r = Unsafe.Add(ref rows, k);
            var ahead = Unsafe.Add(ref rows, Math.Min(k + PrefetchRows, end - 1));
            Prefetch(ref Unsafe.Add(ref bins, (nint)ahead * stride));
            Prefetch(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref gh, 2 * ahead)));
            var pair = Pair(ref gh, r);
            ref var rowBins = ref Unsafe.Add(ref bins, (nint)r * stride);
            for (var j = 0; j < m; j++)
                AddPair(ref h, Unsafe.Add(ref offs, j) + 2 * Unsafe.Add(ref rowBins, Unsafe.Add(ref feat, j)), pair);
        }
    }

    /// <summary>Row r's gradient and hessian widened to doubles, as one (g, h) vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Pair(ref float gh, int r) =>
        Vector128.Create((double)Unsafe.Add(ref gh, 2 * r), Unsafe.Add(ref gh, 2 * r + 1));

    /// <summary>
    /// Adds a (g, h) pair to the bin at hist[slot..slot+2) with one 16-byte load, add and store: each lane is the
    /// same IEEE double addition as two scalar adds, so the sums are bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPair(ref double hist, int slot, Vector128<double> pair)
    {
        ref var at = ref Unsafe.Add(ref hist, slot);
        Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref at) + pair, ref at);
    }

    /// <summary>How many rows ahead the accumulation prefetches (the row-major bins are L2/L3-resident at best).</summary>
    private const int PrefetchRows = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref byte at)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(Unsafe.AsPointer(ref at));
    }
}
