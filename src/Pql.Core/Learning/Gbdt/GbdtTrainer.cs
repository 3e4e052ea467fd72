using System.Runtime.CompilerServices;
using Pql.Core.Features;

namespace Pql.Core.Learning.Gbdt;

/// <summary>
/// Boosting loop for binary logistic loss: gradients g = w(p − y), hessians h = w·p(1 − p) with w = scale_pos_weight
/// for positives, one tree per round on seeded row/column samples, optional early stopping on validation log loss.
/// The initial margin is the log-odds of the (weighted) training base rate.
/// </summary>
internal static class GbdtTrainer
{
    /// <summary>
    /// Fits the trees. Optional <c>rowWeights</c> (e.g. 1 / the entity's number of cutoffs) multiply each row's
    /// gradient and hessian; null = every row weighs 1.
    /// </summary>
    public static GbdtModel Train(FeatureMatrix train, byte[] labels, GbdtOptions options,
        FeatureMatrix? valid = null, byte[]? validLabels = null, float[]? rowWeights = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(labels);
        options.Validate();
        if (labels.Length != train.RowCount)
            throw new ArgumentException("labels must have one value per training row", nameof(labels));
        if (rowWeights is not null && rowWeights.Length != train.RowCount)
            throw new ArgumentException("row weights must have one value per training row", nameof(rowWeights));
        var threads = options.EffectiveThreads;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var cuts = FeatureBinner.ComputeCuts(train, options.MaxBins, threads, options.Seed);
        var data = BinnedData.Create(train, cuts, threads);
        var n = train.RowCount;
        var features = train.ColumnCount;

        double wPos = 0, wAll = 0;
        for (var r = 0; r < n; r++)
        {
            var w = (labels[r] != 0 ? options.ScalePosWeight : 1.0) * (rowWeights is null ? 1.0 : rowWeights[r]);
            wAll += w;
            if (labels[r] != 0)
                wPos += w;
        }
        var rate = Math.Clamp(wAll > 0 ? wPos / wAll : 0.5, 1e-6, 1 - 1e-6);
        var baseMargin = Math.Log(rate / (1 - rate));

        var margin = new double[n];
        Array.Fill(margin, baseMargin);
        var gh = new float[2 * n];
        var grower = new TreeGrower(data, options);
        var rng = new Random(options.Seed);
        var mask = new bool[features];
        var order = new int[features];
        var trees = new List<RegressionTree>(options.Trees);
        var model = new GbdtModel(train, cuts, baseMargin, trees);

        var early = valid is not null && validLabels is not null && options.EarlyStoppingRounds > 0;
        var validRows = early ? GbdtModel.RowMajor(model.Align(valid!), features) : [];
        var validMargin = early ? new double[valid!.RowCount] : [];
        if (early)
            Array.Fill(validMargin, baseMargin);
        var bestLoss = double.PositiveInfinity;
        var bestCount = 0;

        // Gradients for the first tree here; after each tree they are refreshed in the same pass that adds its
        // leaf values to the margins (one parallel region instead of two).
        Gradients(margin, labels, options.ScalePosWeight, gh, parallel);
        Weigh(gh, rowWeights);
        for (var t = 0; t < options.Trees; t++)
        {
            var count = SampleRows(grower.Rows, n, options.Subsample, rng);
            SampleColumns(mask, order, options.ColumnSample, rng);
            var tree = grower.Grow(gh, count, mask);
            trees.Add(tree);
            if (count == n)
                grower.AddLeafValues(tree, margin, labels, options.ScalePosWeight, gh);
            else
                Parallel.For(0, (n + 4095) / 4096, parallel, b =>
                {
                    var end = Math.Min(n, (b + 1) * 4096);
                    for (var r = b * 4096; r < end; r++)
                    {
                        margin[r] += tree.PredictBinned(data, r);
                        Gradient(margin[r], labels[r], options.ScalePosWeight, gh, r);
                    }
                });
            Weigh(gh, rowWeights);
            if (!early)
                continue;
            var loss = 0.0;
            for (var r = 0; r < validMargin.Length; r++)
            {
                validMargin[r] += tree.Predict(validRows.AsSpan(r * features, features));
                loss += LogLossOfMargin(validMargin[r], validLabels![r]);
            }
            if (loss < bestLoss - 1e-12)
            {
                bestLoss = loss;
                bestCount = trees.Count;
            }
            else if (trees.Count - bestCount >= options.EarlyStoppingRounds)
            {
                break;
            }
        }
        if (early && bestCount < trees.Count)
            trees.RemoveRange(bestCount, trees.Count - bestCount);
        _ = model.Forest; // pack the final trees now, so a trained model is ready to score
        return model;
    }

    /// <summary>Scales each row's (g, h) by its weight; a no-op without weights (a separate O(n) pass keeps the hot loops unchanged).</summary>
    private static void Weigh(float[] gh, float[]? rowWeights)
    {
        if (rowWeights is null)
            return;
        for (var r = 0; r < rowWeights.Length; r++)
        {
            gh[2 * r] *= rowWeights[r];
            gh[2 * r + 1] *= rowWeights[r];
        }
    }

    internal static void Gradients(double[] margin, byte[] labels, double posWeight, float[] gh, ParallelOptions parallel)
    {
        var n = margin.Length;
        Parallel.For(0, (n + 8191) / 8192, parallel, b => GradientBlock(margin, labels, posWeight, gh, b * 8192, Math.Min(n, (b + 1) * 8192)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientBlock(double[] margin, byte[] labels, double posWeight, float[] gh, int start, int end)
    {
        for (var r = start; r < end; r++)
            Gradient(margin[r], labels[r], posWeight, gh, r);
    }

    /// <summary>g = w(p − y), h = w·max(p(1 − p), 1e-16) with p = sigmoid(margin), stored as floats at gh[2r], gh[2r + 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gradient(double margin, byte label, double posWeight, float[] gh, int r)
    {
        var p = 1.0 / (1.0 + Math.Exp(-margin));
        var y = label != 0;
        var w = y ? posWeight : 1.0;
        gh[2 * r] = (float)(w * (p - (y ? 1.0 : 0.0)));
        gh[2 * r + 1] = (float)(w * Math.Max(p * (1 - p), 1e-16));
    }

    private static int SampleRows(int[] rows, int n, double fraction, Random rng)
    {
        var count = 0;
        if (fraction >= 1)
        {
            for (var r = 0; r < n; r++)
                rows[r] = r;
            return n;
        }
        for (var r = 0; r < n; r++)
        {
            if (rng.NextDouble() < fraction)
                rows[count++] = r;
        }
        if (count == 0)
            rows[count++] = rng.Next(n);
        return count;
    }

    private static void SampleColumns(bool[] mask, int[] order, double fraction, Random rng)
    {
        if (fraction >= 1)
        {
            Array.Fill(mask, true);
            return;
        }
        Array.Clear(mask);
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        var k = Math.Max(1, (int)Math.Round(fraction * order.Length));
        for (var i = 0; i < k; i++)
        {
            var j = i + rng.Next(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
            mask[order[i]] = true;
        }
    }

    internal static double LogLossOfMargin(double m, byte y)
    {
        // -log(sigmoid(m)) for y = 1, -log(1 - sigmoid(m)) for y = 0, computed stably.
        var z = y != 0 ? -m : m;
        return z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
    }
}
