using Pql.Core.Events;
using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>An attribute that separates a goal's achievers suspiciously well: probably a snapshot of the outcome.</summary>
public sealed record LeakageWarning(string Goal, string Attribute, double Auc);

/// <summary>What <c>pql validate</c> reports about a loaded workspace.</summary>
public sealed record DataQualityReport(
    LoadReport Load,
    long FirstEventMs,
    long LastEventMs,
    IReadOnlyList<KeyValuePair<string, long>> EventsPerProduct,
    IReadOnlyList<KeyValuePair<string, long>> EventsPerName,
    int Accounts,
    int Users,
    int AccountsWithoutUsers,
    int UsersWithoutEvents,
    IReadOnlyList<LeakageWarning> Leakage);

/// <summary>Computes the data-quality report of a loaded workspace.</summary>
public static class DataQuality
{
    /// <summary>An attribute whose achiever AUC is at least this far from 0.5 is flagged.</summary>
    public const double LeakageAucDistance = 0.4;

    public static DataQualityReport Analyze(WorkspaceConfig config, LoadResult load)
    {
        var store = load.Store;
        var perProduct = new long[store.Products.Count + 1];
        var perName = new long[store.EventNames.Count];
        var userHasEvents = new bool[store.UserCount];
        for (var i = 0; i < store.EventCount; i++)
        {
            perProduct[store.EventProduct[i] + 1]++;
            perName[store.EventName[i]]++;
            if (store.EventUser[i] >= 0)
                userHasEvents[store.EventUser[i]] = true;
        }
        var accountHasUsers = new bool[store.AccountCount];
        foreach (var a in store.UserAccount)
            accountHasUsers[a] = true;

        var products = new List<KeyValuePair<string, long>>();
        for (var p = 0; p < perProduct.Length; p++)
        {
            if (perProduct[p] > 0)
                products.Add(new(p == 0 ? "(no product)" : store.Products[p - 1], perProduct[p]));
        }
        var names = new List<KeyValuePair<string, long>>();
        for (var n = 0; n < perName.Length; n++)
            names.Add(new(store.EventNames[n], perName[n]));
        products.Sort((x, y) => y.Value.CompareTo(x.Value));
        names.Sort((x, y) => y.Value.CompareTo(x.Value));

        return new DataQualityReport(load.Report, store.MinTime, store.MaxTime, products, names,
            store.AccountCount, store.UserCount,
            store.UserCount == 0 ? 0 : accountHasUsers.Count(h => !h),
            userHasEvents.Count(h => !h),
            Leakage(config, store));
    }

    /// <summary>Attributes that predict "ever achieved" almost perfectly on their own (AUC near 0 or 1).</summary>
    private static List<LeakageWarning> Leakage(WorkspaceConfig config, EventStore store)
    {
        var warnings = new List<LeakageWarning>();
        foreach (var goal in config.Goals)
        {
            // Label-column goals are checked for leakage when they are trained (on the training rows' features).
            if (goal.Condition is InactiveCondition or AttributeCondition or LabelColumnCondition)
                continue;
            var labeler = new GoalLabeler(store, goal);
            var labels = new byte[labeler.EntityCount];
            var positives = 0;
            for (var e = 0; e < labels.Length; e++)
            {
                labels[e] = (byte)(labeler.AchievedAt(e) != GoalLabeler.Never ? 1 : 0);
                positives += labels[e];
            }
            if (positives < 5 || positives > labels.Length - 5)
                continue;
            var attributes = goal.Entity == EntityKind.Account ? store.AccountAttributes : store.UserAttributes;
            foreach (var column in attributes)
            {
                if (config.Data.ExcludeAttributes.Contains(column.Name) || column.Kind == AttributeKind.Timestamp)
                    continue;
                var score = Score(column, labels);
                var auc = Auc(score, labels);
                if (Math.Abs(auc - 0.5) >= LeakageAucDistance)
                    warnings.Add(new LeakageWarning(goal.Name, column.Name, auc));
            }
        }
        return warnings;
    }

    /// <summary>Numeric values as they are; categories scored by their level's achievement rate.</summary>
    private static double[] Score(AttributeColumn column, byte[] labels)
    {
        var score = new double[labels.Length];
        if (column.Kind == AttributeKind.Numeric)
        {
            for (var i = 0; i < score.Length; i++)
                score[i] = double.IsNaN(column.Numbers[i]) ? double.MinValue : column.Numbers[i];
            return score;
        }
        var hits = new double[column.Levels.Count + 1];
        var counts = new double[column.Levels.Count + 1];
        for (var i = 0; i < labels.Length; i++)
        {
            hits[column.Codes[i] + 1] += labels[i];
            counts[column.Codes[i] + 1]++;
        }
        for (var i = 0; i < score.Length; i++)
            score[i] = hits[column.Codes[i] + 1] / counts[column.Codes[i] + 1];
        return score;
    }

    /// <summary>ROC AUC with ties counted half (Mann-Whitney).</summary>
    internal static double Auc(double[] score, byte[] labels)
    {
        var order = Enumerable.Range(0, score.Length).ToArray();
        Array.Sort(score.ToArray(), order);
        double rankSumPos = 0, pos = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && score[order[j + 1]] == score[order[i]])
                j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]] == 1)
                {
                    rankSumPos += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        var neg = labels.Length - pos;
        return pos == 0 || neg == 0 ? 0.5 : (rankSumPos - pos * (pos + 1) / 2) / (pos * neg);
    }
}
