using System.Globalization;
using Pql.Core.Workspace;

namespace Pql.Core.Learning;

/// <summary>
/// Hyperparameters of the histogram gradient boosted trees. Defaults match XGBoost's <c>hist</c> method
/// (as the XGBoost peer in ../shared/peers runs it): 200 trees, depth 6, eta 0.1, lambda 1, min_child_weight 1, 256 bins.
/// </summary>
public sealed record GbdtOptions
{
    /// <summary>Number of boosting rounds (trees). Default 200 (XGBoost's n_estimators in the peer).</summary>
    public int Trees { get; init; } = 200;

    /// <summary>Maximum depth of a tree; the root has depth 0. Default 6 (XGBoost max_depth).</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>
    /// 0 (default) grows depth-wise (XGBoost grow_policy=depthwise). A positive value grows leaf-wise
    /// (best gain first, XGBoost lossguide / LightGBM) up to this many leaves, still bounded by <see cref="MaxDepth"/>.
    /// </summary>
    public int MaxLeaves { get; init; }

    /// <summary>Shrinkage applied to every leaf value (eta). Default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>L2 regularisation on leaf values (lambda). Default 1.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>Minimum hessian sum in each child of a split (min_child_weight). Default 1.</summary>
    public double MinChildWeight { get; init; } = 1.0;

    /// <summary>Minimum loss reduction to make a split (gamma / min_split_loss). Default 0.</summary>
    public double MinSplitGain { get; init; }

    /// <summary>Fraction of rows sampled (without replacement, seeded) for each tree. Default 1 (no sampling).</summary>
    public double Subsample { get; init; } = 1.0;

    /// <summary>Fraction of features sampled (seeded) for each tree. Default 1 (all features).</summary>
    public double ColumnSample { get; init; } = 1.0;

    /// <summary>Total bins per feature including the missing-value bin: at most 255 value bins + 1. Default 256 (XGBoost max_bin).</summary>
    public int MaxBins { get; init; } = 256;

    /// <summary>Weight of positive rows in gradients and hessians (scale_pos_weight). Default 1.</summary>
    public double ScalePosWeight { get; init; } = 1.0;

    /// <summary>Stop when validation log loss has not improved for this many rounds (0 = off, the default).</summary>
    public int EarlyStoppingRounds { get; init; }

    /// <summary>Seed for row and column sampling and for the binning sample of large inputs. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Worker threads (0 = all processors). Results are identical for a given seed and thread count. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Throws a <see cref="PqlInputException"/> naming the first out-of-range option.</summary>
    public void Validate()
    {
        Check(Trees >= 1, "trees", Trees, "at least 1");
        Check(MaxDepth is >= 1 and <= 30, "max_depth", MaxDepth, "between 1 and 30");
        Check(MaxLeaves is 0 or >= 2, "max_leaves", MaxLeaves, "0 (depth-wise) or at least 2");
        Check(LearningRate > 0 && LearningRate <= 1, "learning_rate", LearningRate, "in (0, 1]");
        Check(Lambda >= 0, "lambda", Lambda, "non-negative");
        Check(MinChildWeight >= 0, "min_child_weight", MinChildWeight, "non-negative");
        Check(MinSplitGain >= 0, "min_split_gain", MinSplitGain, "non-negative");
        Check(Subsample > 0 && Subsample <= 1, "subsample", Subsample, "in (0, 1]");
        Check(ColumnSample > 0 && ColumnSample <= 1, "column_sample", ColumnSample, "in (0, 1]");
        Check(MaxBins is >= 3 and <= 256, "bins", MaxBins, "between 3 and 256");
        Check(ScalePosWeight > 0, "scale_pos_weight", ScalePosWeight, "positive");
        Check(EarlyStoppingRounds >= 0, "early_stopping_rounds", EarlyStoppingRounds, "non-negative");
        Check(Threads >= 0, "threads", Threads, "0 (all processors) or positive");
    }

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    private static void Check(bool ok, string name, double value, string expected)
    {
        if (!ok)
            throw new PqlInputException($"GBDT option {name} = {value.ToString(CultureInfo.InvariantCulture)} must be {expected}");
    }
}
