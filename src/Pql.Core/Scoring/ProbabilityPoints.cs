using Pql.Core.Learning;

namespace Pql.Core.Scoring;

/// <summary>
/// Splits a score's distance from the base score, in probability, among its drivers, so that the drivers' points add up
/// to exactly score − base score (the calibrated probability of the row minus that of the model's expected raw score).
/// <para>
/// The model explains the raw score additively (TreeSHAP values or centred logistic terms, in log-odds); the calibration
/// is non-linear, so "the score without this driver" double-counts: on a confident score several drivers each read as
/// about +40 points. Here the raw contributions form two coalitions, the ones that raise the score and the ones that
/// lower it. Between the two, points are their Shapley values over the calibration (the average of what each adds first
/// and what it adds second); within a coalition, whose members all push the same way, points are proportional to the
/// raw contributions (the Aumann-Shapley split, exact for a one-dimensional curve). This is the Owen value with the
/// coalitions {raisers, lowerers}: it sums exactly, keeps each driver's sign, and bounds every driver by its coalition's
/// share, so a +36 log-odds term on a 0.889 score cannot read as more than 100 points, and two drivers that cancel in
/// log-odds cannot read as a huge pair either. A plain proportional split of the total was rejected because a large
/// raiser and a large lowerer that nearly cancel make both shares unbounded.
/// </para>
/// </summary>
public static class ProbabilityPoints
{
    /// <summary>
    /// Points per entry of <paramref name="contributions"/> (raw-score units; zero stays zero) for a row with raw score
    /// <paramref name="margin"/> and base raw score <paramref name="baseValue"/>.
    /// </summary>
    public static double[] Split(ScoringModel model, double baseValue, double margin, ReadOnlySpan<double> contributions)
    {
        ArgumentNullException.ThrowIfNull(model);
        double up = 0, down = 0;
        foreach (var c in contributions)
        {
            if (c > 0)
                up += c;
            else
                down += c;
        }
        var start = Probability(model, baseValue);
        var total = Probability(model, margin) - start;
        // Shapley between the two coalitions: the raisers' gain from the base, and from the base plus the lowerers.
        // With one coalition only, it takes the whole change.
        var upShare = down == 0 ? total
            : up == 0 ? 0
            : 0.5 * ((Probability(model, baseValue + up) - start) + (Probability(model, margin) - Probability(model, margin - up)));
        var downShare = total - upShare;
        var points = new double[contributions.Length];
        for (var f = 0; f < points.Length; f++)
        {
            var c = contributions[f];
            points[f] = c > 0 ? upShare * (c / up) : c < 0 ? downShare * (c / down) : 0;
        }
        return points;
    }

    /// <summary>The calibrated probability of a raw score (the model's own reading when it has no calibration).</summary>
    public static double Probability(ScoringModel model, double raw)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Calibration is { } c ? c.Apply(raw) : model.RawToProbability(raw);
    }

    /// <summary>
    /// Contributions summed into each group's leader (<see cref="ScoringModel.DriverGroups"/>): the result is aligned with the
    /// model's features, a member's entry is zero and its leader's holds the group's sum.
    /// </summary>
    public static double[] Merge(ReadOnlySpan<double> contributions, int[] leader)
    {
        ArgumentNullException.ThrowIfNull(leader);
        var merged = new double[contributions.Length];
        for (var f = 0; f < contributions.Length; f++)
            merged[leader[f]] += contributions[f];
        return merged;
    }

    /// <summary>Each feature's group leader (itself when ungrouped), by the model's driver groups.</summary>
    public static int[] Leaders(ScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var names = model.FeatureNames;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var f = 0; f < names.Count; f++)
            index[names[f]] = f;
        var leader = new int[names.Count];
        for (var f = 0; f < leader.Length; f++)
            leader[f] = f;
        foreach (var group in model.DriverGroups)
        {
            if (group.Count == 0 || !index.TryGetValue(group[0], out var head))
                continue;
            foreach (var member in group)
            {
                if (index.TryGetValue(member, out var m))
                    leader[m] = head;
            }
        }
        return leader;
    }
}
