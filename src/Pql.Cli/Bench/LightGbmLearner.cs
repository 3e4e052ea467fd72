using System.Diagnostics;
using System.Globalization;
using Pql.Core.Features;

namespace Pql.Cli.Bench;

/// <summary>
/// The LightGBM peer of <c>pql bench learn</c>: trains LightGBM on the same feature table the engine reads (same rows, same
/// missing values, categorical columns by their codes as LightGBM's native categorical features), with the engine's
/// settings, and predicts the test table. Timed like the peers: dataset construction (binning) plus boosting for
/// training, prediction alone for predicting; laying the columns out for LightGBM is not timed, as the peers' CSV
/// reading and encoding is not.
/// </summary>
internal static class LightGbmLearner
{
    /// <summary>
    /// LightGBM's parameters for the engine's defaults: 200 trees, depth 6 (so at most 64 leaves), eta 0.1, lambda 1,
    /// min_child_weight 1 (min_sum_hessian_in_leaf; LightGBM's own min_data_in_leaf 20 is turned off, the engine has
    /// none), 255 value bins, no bagging, deterministic for a seed.
    /// </summary>
    public static string Parameters(int trees, int depth, double eta, int threads) => string.Create(CultureInfo.InvariantCulture,
        $"objective=binary num_iterations={trees} max_depth={depth} num_leaves={1 << depth} learning_rate={eta} lambda_l2=1 " +
        $"min_sum_hessian_in_leaf=1 min_data_in_leaf=1 max_bin=255 num_threads={threads} seed=0 deterministic=true force_col_wise=true verbosity=-1");

    public sealed record Result(double TrainSeconds, double PredictSeconds, double TrainCpuSeconds, double[] Scores);

    public static unsafe Result Run(FeatureMatrix train, byte[] labels, FeatureMatrix test, int trees, int depth, double eta, int threads)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(test);
        var categorical = new List<int>();
        for (var f = 0; f < train.ColumnCount; f++)
        {
            if (train.Columns[f].Kind == FeatureKind.Categorical)
                categorical.Add(f);
        }
        var parameters = Parameters(trees, depth, eta, threads);
        var datasetParameters = parameters + (categorical.Count > 0 ? " categorical_feature=" + string.Join(',', categorical) : "");
        var x = ColumnMajor(train);
        var y = new float[labels.Length];
        for (var i = 0; i < y.Length; i++)
            y[i] = labels[i];
        var xt = ColumnMajor(test);
        var scores = new double[test.RowCount];

        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        nint dataset = 0, booster = 0;
        try
        {
            fixed (float* px = x)
            fixed (float* py = y)
            {
                LightGbmNative.Check(LightGbmNative.DatasetCreateFromMat(px, LightGbmNative.Float32, train.RowCount, train.ColumnCount, 0, datasetParameters, 0, out dataset), "DatasetCreateFromMat");
                LightGbmNative.Check(LightGbmNative.DatasetSetField(dataset, "label", py, y.Length, LightGbmNative.Float32), "DatasetSetField");
            }
            LightGbmNative.Check(LightGbmNative.BoosterCreate(dataset, parameters, out booster), "BoosterCreate");
            for (var t = 0; t < trees; t++)
            {
                LightGbmNative.Check(LightGbmNative.BoosterUpdateOneIter(booster, out var finished), "BoosterUpdateOneIter");
                if (finished != 0)
                    break;
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu1 = process.TotalProcessorTime;
            clock.Restart();
            fixed (float* pt = xt)
            fixed (double* ps = scores)
            {
                LightGbmNative.Check(LightGbmNative.BoosterPredictForMat(booster, pt, LightGbmNative.Float32, test.RowCount, test.ColumnCount, 0,
                    LightGbmNative.PredictNormal, 0, -1, $"num_threads={threads}", out var length, ps), "BoosterPredictForMat");
                if (length != scores.Length)
                    throw new InvalidOperationException($"LightGBM predicted {length} values for {scores.Length} rows");
            }
            return new Result(trainSeconds, clock.Elapsed.TotalSeconds, (cpu1 - cpu0).TotalSeconds, scores);
        }
        finally
        {
            if (booster != 0)
                _ = LightGbmNative.BoosterFree(booster);
            if (dataset != 0)
                _ = LightGbmNative.DatasetFree(dataset);
        }
    }

    /// <summary>The matrix's columns one after another (LightGBM's is_row_major = 0 layout).</summary>
    private static float[] ColumnMajor(FeatureMatrix m)
    {
        var x = new float[(long)m.RowCount * m.ColumnCount];
        for (var f = 0; f < m.ColumnCount; f++)
            m.Columns[f].Values.AsSpan(0, m.RowCount).CopyTo(x.AsSpan(f * m.RowCount, m.RowCount));
        return x;
    }
}
