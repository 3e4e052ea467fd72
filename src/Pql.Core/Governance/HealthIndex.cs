using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Governance;

/// <summary>One goal's part in an account's health: the account's percentile among the goal's latest scores and whether it counts as risk.</summary>
public sealed record HealthPart(string Goal, double Percentile, bool Risk);

/// <summary>An account's health, 0 (worst) to 100 (best), and the parts it was made of.</summary>
public sealed record AccountHealth(string AccountId, int Index, IReadOnlyList<HealthPart> Parts);

/// <summary>
/// The account health index for executives, one number per account from the account goals' latest scores:
/// <code>
/// health = round(100 × (2 × mean over risk goals of (1 − r) + 1 × mean over opportunity goals of r) / (2 + 1))
/// </code>
/// where r is the account's percentile rank among that goal's latest scores (ties at their mid-rank), a risk goal is an inactivity goal
/// (<c>inactive_for</c>: churn) and every other account goal (conversion, expansion, ...) is an opportunity. Ranks, not probabilities,
/// because goals have very different base rates (a 10% expansion chance can be high while a 10% churn risk is low); risk weighs twice
/// because losing an account costs more than a missed upsell. A side with no goal scored for the account drops out of both sums.
/// User goals do not count.
/// </summary>
public static class HealthIndex
{
    public const double RiskWeight = 2;
    public const double OpportunityWeight = 1;

    public static IReadOnlyDictionary<string, AccountHealth> Compute(IReadOnlyList<(GoalDefinition Goal, IReadOnlyDictionary<string, EntityScore> Latest)> goals)
    {
        ArgumentNullException.ThrowIfNull(goals);
        var parts = new Dictionary<string, List<HealthPart>>(StringComparer.Ordinal);
        foreach (var (goal, latest) in goals)
        {
            if (goal.Entity != EntityKind.Account || latest.Count == 0)
                continue;
            var sorted = new double[latest.Count];
            var k = 0;
            foreach (var row in latest.Values)
                sorted[k++] = row.Score;
            Array.Sort(sorted);
            var risk = goal.Condition is InactiveCondition;
            foreach (var (id, row) in latest)
            {
                if (!parts.TryGetValue(id, out var list))
                    parts[id] = list = [];
                list.Add(new HealthPart(goal.Name, MidRank(sorted, row.Score), risk));
            }
        }
        var result = new Dictionary<string, AccountHealth>(parts.Count, StringComparer.Ordinal);
        foreach (var (id, list) in parts)
            result[id] = new AccountHealth(id, Index(list), list);
        return result;
    }

    /// <summary>The formula on given parts (see the type's summary).</summary>
    public static int Index(IReadOnlyList<HealthPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        double risk = 0, opportunity = 0;
        int risks = 0, opportunities = 0;
        foreach (var p in parts)
        {
            if (p.Risk)
                (risk, risks) = (risk + (1 - p.Percentile), risks + 1);
            else
                (opportunity, opportunities) = (opportunity + p.Percentile, opportunities + 1);
        }
        var weight = (risks > 0 ? RiskWeight : 0) + (opportunities > 0 ? OpportunityWeight : 0);
        if (weight == 0)
            return 0;
        var sum = (risks > 0 ? RiskWeight * risk / risks : 0) + (opportunities > 0 ? OpportunityWeight * opportunity / opportunities : 0);
        return (int)Math.Round(100 * sum / weight, MidpointRounding.AwayFromZero);
    }

    /// <summary>(number below + half the number equal) / n, on an ascending array.</summary>
    public static double MidRank(double[] ascending, double value)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        var below = LowerBound(ascending, value);
        var upTo = LowerBound(ascending, Math.BitIncrement(value));
        return (below + 0.5 * (upTo - below)) / ascending.Length;
    }

    private static int LowerBound(double[] a, double value)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (a[mid] < value)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
