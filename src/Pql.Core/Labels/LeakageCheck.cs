using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>An attribute that separates a goal's achievers suspiciously well: probably a snapshot of the outcome.</summary>
public sealed record LeakageWarning(string Goal, string Attribute, double Auc);

/// <summary>
/// Attributes that predict "ever achieved" almost perfectly on their own. It labels goals, so it lives with the labels
/// (Ingest, an earlier stage, only loads); <c>pql validate</c> runs it after the load.
/// </summary>
public static class LeakageCheck
{
    /// <summary>An attribute whose achiever AUC is at least this far from 0.5 is flagged.</summary>
    public const double LeakageAucDistance = 0.4;

    /// <summary>Attributes that predict "ever achieved" almost perfectly on their own (AUC near 0 or 1).</summary>
    public static IReadOnlyList<LeakageWarning> Find(WorkspaceConfig config, EventStore store)
    {
        var warnings = new List<LeakageWarning>();
        foreach (var goal in config.Goals)
        {
            if (goal.Condition is InactiveCondition || goal.Condition is AttributeCondition)
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
