using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>
/// The cutoffs training rows are cut at: the latest is <c>as-of - horizon</c> (so its label window ends by as-of) and validates
/// (selects the model). The training cutoffs end a full horizon before it, so no training label window reaches into the selection
/// window whatever <c>training.step</c> is, and step back from there by <c>training.step</c> (default: the horizon).
/// </summary>
public static class CutoffPlan
{
    public static long[] Build(long asOfMs, long horizonMs, TrainingConfig training, long dataStartMs)
    {
        var step = training.StepMs ?? horizonMs;
        var validation = asOfMs - horizonMs;
        var list = new List<long>();
        for (var k = training.Cutoffs - 2; k >= 0; k--)
        {
            var t = validation - horizonMs - k * step;
            if (t > dataStartMs)
                list.Add(t);
        }
        if (validation > dataStartMs)
            list.Add(validation);
        return [.. list];
    }
}
