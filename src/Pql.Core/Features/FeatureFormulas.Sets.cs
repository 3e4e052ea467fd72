using System.Numerics;
using Pql.Core.Events;

namespace Pql.Core.Features;

/// <summary>
/// The derived values of the set-shaped families (week masks, adoption order, per-user roll-ups, users of an account), written once for
/// the in-memory evaluator and the SQL backends: the backends return the integers (a product mask per week, first and last use per
/// product, counts per user) and these turn them into the same values.
/// </summary>
internal static partial class FeatureFormulas
{
    /// <summary>Weeks among 0..<paramref name="kMax"/> whose mask holds every bit of <paramref name="bits"/>.</summary>
    public static int CountWeeks(ReadOnlySpan<ulong> weeks, int kMax, ulong bits)
    {
        var n = 0;
        for (var k = 0; k <= kMax; k++)
        {
            if ((weeks[k] & bits) == bits)
                n++;
        }
        return n;
    }

    /// <summary>A week counts when it has an event (<paramref name="minProducts"/> &lt;= 1) or at least that many products.</summary>
    public static bool Qualifies(ulong mask, int minProducts, ulong productBits) =>
        minProducts <= 1 ? (mask & FeaturePlan.AnyBit) != 0 : BitOperations.PopCount(mask & productBits) >= minProducts;

    /// <summary>Weeks among the first <paramref name="weeks"/> with two or more products.</summary>
    public static int MultiWeeks(ReadOnlySpan<ulong> masks, int weeks, ulong productBits)
    {
        var n = 0;
        for (var k = 0; k < weeks; k++)
        {
            if (Qualifies(masks[k], 2, productBits))
                n++;
        }
        return n;
    }

    public static int StreakCurrent(ReadOnlySpan<ulong> weeks, int kMax, int minProducts, ulong productBits)
    {
        var k = 0;
        while (k <= kMax && Qualifies(weeks[k], minProducts, productBits))
            k++;
        return k;
    }

    public static int LongestStreak(ReadOnlySpan<ulong> weeks, int kMax, int minProducts, ulong productBits)
    {
        int best = 0, run = 0;
        for (var k = 0; k <= kMax; k++)
        {
            run = Qualifies(weeks[k], minProducts, productBits) ? run + 1 : 0;
            best = Math.Max(best, run);
        }
        return best;
    }

    /// <summary>
    /// The products used (first use not <see cref="None"/>) in adoption order, by (first use, product index), into
    /// <paramref name="adopted"/>; returns how many.
    /// </summary>
    public static int AdoptionOrder(ReadOnlySpan<long> firstUse, Span<int> adopted)
    {
        var count = 0;
        for (var p = 0; p < firstUse.Length; p++)
        {
            if (firstUse[p] == None)
                continue;
            var j = count++;
            while (j > 0 && firstUse[adopted[j - 1]] > firstUse[p])
            {
                adopted[j] = adopted[j - 1];
                j--;
            }
            adopted[j] = p;
        }
        return count;
    }

    /// <summary>Share of adopted products used again in a later week than the week of their first use (NaN when none).</summary>
    public static double ReturnRate(ReadOnlySpan<int> adopted, ReadOnlySpan<long> firstUse, ReadOnlySpan<long> lastUse, long cutoff)
    {
        if (adopted.Length == 0)
            return double.NaN;
        var returned = 0;
        foreach (var p in adopted)
        {
            if ((cutoff - lastUse[p]) / FeaturePlan.WeekMs < (cutoff - firstUse[p]) / FeaturePlan.WeekMs)
                returned++;
        }
        return (double)returned / adopted.Length;
    }

    /// <summary>Largest, or mean over users with an event in the window, of a per-user value; <paramref name="counts"/> are the users' events.</summary>
    public static double RollUp(ReadOnlySpan<int> values, ReadOnlySpan<int> counts, bool mean)
    {
        int max = 0, active = 0;
        long sum = 0;
        for (var u = 0; u < values.Length; u++)
        {
            if (counts[u] == 0)
                continue;
            active++;
            sum += values[u];
            max = Math.Max(max, values[u]);
        }
        return mean ? (active == 0 ? double.NaN : (double)sum / active) : max;
    }

    /// <summary>Users of the account (<paramref name="users"/>, store codes) created in (<paramref name="after"/>, <paramref name="cutoff"/>].</summary>
    public static int UsersCreated(EventStore store, ReadOnlySpan<int> users, long after, long cutoff)
    {
        var n = 0;
        foreach (var u in users)
        {
            var created = store.UserCreatedAt[u];
            if (created <= cutoff && created > after)
                n++;
        }
        return n;
    }

    /// <summary>Users created after the first invite and by the cutoff who have an event (<paramref name="seen"/>, by position in <paramref name="users"/>).</summary>
    public static int InviteesActive(EventStore store, ReadOnlySpan<int> users, ReadOnlySpan<bool> seen, long firstInvite, long cutoff)
    {
        if (firstInvite == None)
            return 0;
        var n = 0;
        for (var i = 0; i < users.Length; i++)
        {
            var created = store.UserCreatedAt[users[i]];
            if (created > firstInvite && created <= cutoff && seen[i])
                n++;
        }
        return n;
    }

    /// <summary>An attribute's value for a row of its table: the number, or the category code (NaN when missing).</summary>
    public static double Attribute(AttributeColumn? column, int row)
    {
        if (column is not { } a)
            return double.NaN;
        return a.Kind switch
        {
            AttributeKind.Numeric => a.Numbers[row],
            AttributeKind.Category => a.Codes[row] < 0 ? double.NaN : a.Codes[row],
            _ => double.NaN,
        };
    }
}
