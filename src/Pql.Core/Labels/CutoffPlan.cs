using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>
/// The cutoffs training rows are cut at: the latest is <c>as-of - horizon</c> (so its label window ends by as-of),
/// earlier ones step back by <c>training.step</c> (default: the horizon, so no training label window reaches past
/// the validation cutoff). The latest cutoff validates; the others train.
/// </summary>
public static class CutoffPlan
{
    public static long[] Build(long asOfMs, long horizonMs, TrainingConfig training, long dataStartMs)
    {
        var step = training.StepMs ?? horizonMs;
        var list = new List<long>();
        for (var k = training.Cutoffs - 1; k >= 0; k--)
        {
            var t = asOfMs - horizonMs - k * step;
            if (t > dataStartMs)
                list.Add(t);
        }
        return [.. list];
    }
}
