using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>
/// The cutoffs of one training run. <see cref="Selection"/> = as-of − horizon is the newest cutoff whose outcome is
/// known; it chooses the model, its number of trees and its calibration. <see cref="Train"/> are the cutoffs the
/// candidates are fitted on for that choice: they step back by <c>training.step</c> from selection − horizon, so no
/// training label window (t, t + horizon] reaches into the selection window, whatever the step. <see cref="Refit"/> is
/// every labelled cutoff on the same grid, oldest first, the selection cutoff included: the chosen model is refitted
/// on them, so its newest example is one horizon old instead of two.
/// </summary>
public sealed record TrainingPlan(long[] Train, long Selection, long[] Refit);

public static class CutoffPlan
{
    /// <summary>Default step between cutoffs: a week, so a few months of history give thousands of rows.</summary>
    public const long DefaultStepMs = 7 * 86_400_000L;

    public static TrainingPlan Plan(long asOfMs, long horizonMs, TrainingConfig training, long dataStartMs)
    {
        ArgumentNullException.ThrowIfNull(training);
        var step = training.StepMs ?? DefaultStepMs;
        var selection = asOfMs - horizonMs;
        var train = new List<long>();
        for (var k = training.Cutoffs - 1; k >= 0; k--)
        {
            var t = selection - horizonMs - k * step;
            if (t > dataStartMs)
                train.Add(t);
        }
        // Refit: the training cutoffs, then the newer ones one step apart up to and including the selection cutoff.
        var newer = new List<long>();
        for (var t = selection; t > selection - horizonMs && t > dataStartMs; t -= step)
            newer.Add(t);
        newer.Reverse();
        return new TrainingPlan([.. train], selection, [.. train, .. newer]);
    }

    /// <summary>The cutoffs of the selection fit, oldest first: the training cutoffs, then the selection cutoff last.</summary>
    public static long[] Build(long asOfMs, long horizonMs, TrainingConfig training, long dataStartMs)
    {
        var plan = Plan(asOfMs, horizonMs, training, dataStartMs);
        return plan.Selection > dataStartMs ? [.. plan.Train, plan.Selection] : [.. plan.Train];
    }
}
