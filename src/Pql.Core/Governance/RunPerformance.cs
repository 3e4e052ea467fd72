using Pql.Core.Events;
using Pql.Core.Labels;
using Pql.Core.Learning.Evaluation;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Governance;

/// <summary>One point of a lift curve: among the top <see cref="Share"/> of scores, the achievement rate over the base rate.</summary>
public sealed record LiftPoint(double Share, double Lift);

/// <summary>
/// How one group of a run's rows performed. <see cref="Estimated"/> false: measured against what happened (the horizon has passed).
/// <see cref="Estimated"/> true: no outcome exists yet, and every figure is the expectation under the calibrated scores themselves
/// (confidence-based estimation): achievers = Σp, ROC AUC = the probability that a row drawn as an achiever (weight p) outranks one drawn
/// as a non-achiever (weight 1 − p), lift = mean p of the top decile over mean p. An estimate is only as good as the calibration; it cannot
/// see drift in what drives outcomes, which the realized figures will show once the horizon passes.
/// </summary>
public sealed record PerformanceFigures(string Segment, int Rows, double Achievers, double RocAuc, double LiftTopDecile, bool Estimated,
    IReadOnlyList<CalibrationBin> Calibration, IReadOnlyList<LiftPoint> LiftCurve, IReadOnlyList<TierRate> Tiers);

/// <summary>A run's performance overall and per segment (the <c>segment</c> attribute), realized or estimated.</summary>
public sealed record RunPerformanceReport(string RunId, string Goal, long AsOfMs, long HorizonEndMs, bool Estimated,
    PerformanceFigures Overall, IReadOnlyList<PerformanceFigures> Segments);

/// <summary>
/// Performance of stored runs before and after their outcomes: a run whose horizon (as-of + the goal's horizon) lies at or before the
/// last loaded event is measured against the labels the events give (the same <see cref="GoalLabeler"/> training uses); a younger run
/// is estimated from its calibrated scores and flagged as an estimate.
/// </summary>
public static class RunPerformance
{
    public static RunPerformanceReport Measure(ScoreRun run, GoalDefinition goal, EventStore store, GoalLabeler? labeler = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(store);
        var end = run.AsOfMs + goal.HorizonMs;
        var estimated = end > store.MaxTime;
        var labels = estimated ? null : Outcomes(run, goal, store, labeler ?? new GoalLabeler(store, goal));
        var overall = Figures("all", run.Rows, labels, Enumerable.Range(0, run.Rows.Count).ToArray());
        var segments = new List<PerformanceFigures>();
        foreach (var group in Enumerable.Range(0, run.Rows.Count).GroupBy(i => run.Rows[i].Attributes.GetValueOrDefault("segment") ?? "")
                     .Where(g => g.Key.Length > 0).OrderBy(g => g.Key, StringComparer.Ordinal))
            segments.Add(Figures(group.Key, run.Rows, labels, [.. group]));
        return new RunPerformanceReport(run.RunId, run.Goal, run.AsOfMs, end, estimated, overall, segments);
    }

    /// <summary>What happened to each scored row in (as-of, as-of + horizon]: 1 achieved, 0 not (an entity the store no longer has: 0).</summary>
    public static byte[] Outcomes(ScoreRun run, GoalDefinition goal, EventStore store, GoalLabeler labeler)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(labeler);
        var ids = goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var y = new byte[run.Rows.Count];
        for (var i = 0; i < y.Length; i++)
        {
            var entity = ids.Find(run.Rows[i].EntityId);
            y[i] = entity >= 0 ? labeler.Label(entity, run.AsOfMs) : (byte)0;
        }
        return y;
    }

    private static PerformanceFigures Figures(string segment, IReadOnlyList<EntityScore> rows, byte[]? labels, int[] members)
    {
        var p = new double[members.Length];
        var tiers = new string[members.Length];
        for (var i = 0; i < members.Length; i++)
            (p[i], tiers[i]) = (rows[members[i]].Score, rows[members[i]].Tier);
        var order = BinaryMetricsMath.DescendingOrder(p);
        if (labels is null)
            return new PerformanceFigures(segment, p.Length, Sum(p), ExpectedRocAuc(p, order), ExpectedLift(p, order, 0.1), true, [],
                [.. Shares().Select(s => new LiftPoint(s, ExpectedLift(p, order, s)))], []);
        var y = new byte[members.Length];
        var positives = 0;
        for (var i = 0; i < members.Length; i++)
            positives += y[i] = labels[members[i]];
        var metrics = BootstrapMetrics.Evaluate(p, y, tiers, rounds: 200);
        return new PerformanceFigures(segment, p.Length, positives, metrics.RocAuc.Estimate, metrics.LiftTopDecile.Estimate, false,
            metrics.Calibration, [.. Shares().Select(s => new LiftPoint(s, RealizedLift(y, order, positives, s)))], metrics.Tiers);
    }

    private static IEnumerable<double> Shares() => Enumerable.Range(1, 10).Select(k => k / 10.0);

    private static double Sum(double[] p)
    {
        var s = 0.0;
        foreach (var v in p)
            s += v;
        return s;
    }

    private static double RealizedLift(byte[] y, int[] order, int positives, double share)
    {
        if (positives == 0 || y.Length == 0)
            return double.NaN;
        var top = Math.Max(1, (int)Math.Ceiling(share * y.Length));
        var hits = 0;
        for (var i = 0; i < top; i++)
            hits += y[order[i]];
        return (double)hits / top / ((double)positives / y.Length);
    }

    /// <summary>Mean p of the top <paramref name="share"/> of scores over mean p.</summary>
    public static double ExpectedLift(double[] p, int[] order, double share)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(order);
        if (p.Length == 0)
            return double.NaN;
        var top = Math.Max(1, (int)Math.Ceiling(share * p.Length));
        var sumTop = 0.0;
        for (var i = 0; i < top; i++)
            sumTop += p[order[i]];
        var mean = Sum(p) / p.Length;
        return mean > 0 ? sumTop / top / mean : double.NaN;
    }

    /// <summary>
    /// ROC AUC expected under the scores' own probabilities: Σ over ordered pairs (i above j) of p_i (1 − p_j), ties counted half,
    /// over Σ over pairs i ≠ j of p_i (1 − p_j). One pass over the rows in descending order.
    /// </summary>
    public static double ExpectedRocAuc(double[] p, int[] order)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(order);
        double negativesBelow = 0, favourable = 0;
        foreach (var v in p)
            negativesBelow += 1 - v;
        for (var i = 0; i < order.Length;)
        {
            // a run of tied scores: pairs inside it count half
            var j = i;
            double groupP = 0, groupN = 0, groupSelf = 0;
            while (j < order.Length && p[order[j]] == p[order[i]])
            {
                var v = p[order[j]];
                (groupP, groupN, groupSelf) = (groupP + v, groupN + (1 - v), groupSelf + v * (1 - v));
                j++;
            }
            negativesBelow -= groupN;
            favourable += groupP * negativesBelow + 0.5 * (groupP * groupN - groupSelf);
            i = j;
        }
        var sumP = Sum(p);
        var selfPairs = 0.0;
        foreach (var v in p)
            selfPairs += v * (1 - v);
        var total = sumP * (p.Length - sumP) - selfPairs;
        return total > 0 ? favourable / total : double.NaN;
    }
}
