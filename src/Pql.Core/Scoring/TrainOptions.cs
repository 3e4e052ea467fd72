using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pql.Core.Scoring;

/// <summary>Options of <see cref="GoalTrainer.Train"/>.</summary>
public sealed record TrainOptions
{
    /// <summary>Point in time training may see; default the latest event.</summary>
    public long? AsOfMs { get; init; }

    /// <summary>Worker threads (0 = all processors).</summary>
    public int Threads { get; init; }

    /// <summary>Where progress goes, as <c>Progress</c> log events; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    /// <summary>Also fit on activity features alone and report what the multi-product families add.</summary>
    public bool CompareWithActivityOnly { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Feedback from sales and success that this retrain uses (<see cref="TrainingFeedback"/>); none when null.</summary>
    public IReadOnlyList<FeedbackSignal>? Feedback { get; init; }
}

/// <summary>Validation metrics of the full feature set against activity features alone (same learner, same rows).</summary>
public sealed record BaselineComparison(string Kind, double FullRocAuc, double FullPrAuc, double ActivityRocAuc, double ActivityPrAuc);

/// <summary>What training one goal produced.</summary>
public sealed record GoalTrainingReport(
    string Goal,
    string Version,
    string ArtifactPath,
    string CardPath,
    Learning.TrainingResult Result,
    IReadOnlyList<long> Cutoffs,
    int TrainRows,
    int TrainPositives,
    int ValidRows,
    int ValidPositives,
    int FeatureCount,
    BaselineComparison? Baseline,
    string? Split = null,
    IReadOnlyList<string>? Warnings = null)
{
    /// <summary>Validation metrics of every candidate as JSON, as the model registry stores them.</summary>
    public string MetricsJson { get; init; } = "{}";

    /// <summary>When the artifact was made (Unix ms).</summary>
    public long CreatedMs { get; init; }

    /// <summary>The as-of training saw (null for a snapshot goal trained without one: its scoring time).</summary>
    public long? AsOfMs { get; init; }

    /// <summary>The selection (validation) rows and the version's out-of-sample scores on them; the promotion guardrail compares versions there.</summary>
    public SelectionWindow? Selection { get; init; }
}

/// <summary>
/// The rows a version was selected on: entity codes, cutoffs, outcomes, and the scores of the fit that had not seen them
/// (before any refit), so another version can be measured on exactly the same window.
/// </summary>
public sealed record SelectionWindow(int[] Entities, long[] Cutoffs, byte[] Labels, double[] Scores);

/// <summary>
/// What <see cref="GoalTrainer.Fit"/> produced: the fitted candidates, the plan, every labelled cutoff, the selection fit's
/// training and selection rows, and how many rows (and achievers) the kept models were finally fitted on.
/// </summary>
public sealed record GoalFit(
    Learning.TrainingResult Result,
    Labels.TrainingPlan Plan,
    long[] Cutoffs,
    Features.FeatureMatrix Train,
    byte[] TrainLabels,
    Features.FeatureMatrix Valid,
    byte[] ValidLabels,
    int FittedRows,
    int FittedPositives,
    int FeatureCount,
    BaselineComparison? Baseline)
{
    /// <summary>The selection fit's scores on <see cref="Valid"/>, taken before any refit (so out of sample).</summary>
    public double[] SelectionScores { get; init; } = [];
    /// <summary>What feedback from sales and success did to this fit; null when there was none.</summary>
    public FeedbackEffect? Feedback { get; init; }
}
