using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>A trigger that fired, with the row and change it fired on (the planner renders the playbook from them).</summary>
public sealed record FiredTrigger(TriggerRule Rule, EntityScore Row, EntityChange Change, TriggerFiring Firing);

/// <summary>
/// Evaluates trigger rules on a run against each entity's previous scoring for the same goal. A rule fires only on a
/// material change (tier entered or left, threshold crossed, delta reached, first scoring), so an unchanged rerun fires nothing.
/// </summary>
public static class TriggerEngine
{
    public static IReadOnlyList<FiredTrigger> Evaluate(
        ScoreRun run, IReadOnlyDictionary<string, EntityScore> previous, IReadOnlyList<TriggerRule> rules, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(rules);
        var fired = new List<FiredTrigger>();
        foreach (var row in run.Rows)
        {
            var before = previous.GetValueOrDefault(row.EntityId);
            EntityChange? change = null;
            foreach (var rule in rules)
            {
                if (rule.Goal is not null && rule.Goal != run.Goal)
                    continue;
                if (!Matches(rule.Filter, row.Attributes))
                    continue;
                var why = Why(rule, before, row);
                if (why is null)
                    continue;
                change ??= ScoreDiff.Change(row.EntityId, before, row);
                var reason = Reason(why, change);
                fired.Add(new FiredTrigger(rule, row, change,
                    new TriggerFiring(run.RunId, run.Goal, row.EntityId, rule.Name, rule.Playbook, reason, Data(rule, change), nowMs)));
            }
        }
        return fired;
    }

    private static bool Matches(IReadOnlyDictionary<string, string> filter, IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (k, v) in filter)
        {
            if (!attributes.TryGetValue(k, out var actual) || actual != v)
                return false;
        }
        return true;
    }

    /// <summary>The condition in words when the rule fires for this change, else null.</summary>
    private static string? Why(TriggerRule rule, EntityScore? before, EntityScore now)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (rule.Kind)
        {
            case TriggerKind.FirstScored:
                return before is null ? string.Create(inv, $"first scored: {now.Score:0.000} ({now.Tier})") : null;
            case TriggerKind.TierEntered:
                if (now.Tier != rule.Tier || before?.Tier == rule.Tier)
                    return null;
                return before is null
                    ? $"entered tier {now.Tier} on its first scoring"
                    : $"entered tier {now.Tier} from {before.Tier}";
            case TriggerKind.TierLeft:
                if (before is null || before.Tier != rule.Tier || now.Tier == rule.Tier)
                    return null;
                return $"left tier {before.Tier} for {now.Tier}";
            case TriggerKind.ScoreCrosses:
                if (before is null)
                    return null;
                var up = before.Score < rule.Threshold && now.Score >= rule.Threshold;
                var down = before.Score >= rule.Threshold && now.Score < rule.Threshold;
                if ((up && rule.Direction is "up" or "both") || (down && rule.Direction is "down" or "both"))
                    return string.Create(inv, $"score {(up ? "rose above" : "fell below")} {rule.Threshold:0.###}");
                return null;
            case TriggerKind.DriftAbove:
                return null;   // goal-level: fired by the drift check (Governance/DriftAlerts), never by an entity's scoring
            default:
                if (before is null || Math.Abs(now.Score - before.Score) < rule.Threshold - 1e-12)
                    return null;
                return string.Create(inv, $"score moved {now.Score - before.Score:+0.000;-0.000} (at least {rule.Threshold:0.###})");
        }
    }

    private static string Reason(string why, EntityChange c)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"{c.EntityId} {why}; score {Score(c.OldScore)} -> {Score(c.NewScore)}, tier {c.OldTier ?? "none"} -> {c.NewTier}");
        if (c.MovedDrivers.Count > 0)
        {
            sb.Append("; drivers moved: ");
            for (var i = 0; i < c.MovedDrivers.Count; i++)
            {
                var m = c.MovedDrivers[i];
                if (i > 0)
                    sb.Append(", ");
                sb.Append(inv, $"{m.Feature} {m.Delta:+0.000;-0.000} (value {m.OldValue:0.###} -> {m.NewValue:0.###})");
            }
        }
        return sb.ToString();
    }

    private static string Score(double? s) => s is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "none";

    private static string Data(TriggerRule rule, EntityChange c)
    {
        var moved = new JsonArray();
        foreach (var m in c.MovedDrivers)
        {
            moved.Add(new JsonObject
            {
                ["feature"] = m.Feature,
                ["old_contribution"] = StateJson.Finite(m.OldContribution),
                ["new_contribution"] = StateJson.Finite(m.NewContribution),
                ["delta"] = StateJson.Finite(m.Delta),
                ["old_value"] = StateJson.Finite(m.OldValue),
                ["new_value"] = StateJson.Finite(m.NewValue),
            });
        }
        return new JsonObject
        {
            ["trigger"] = rule.Name,
            ["kind"] = rule.Kind.ToString(),
            ["old_score"] = c.OldScore,
            ["new_score"] = c.NewScore,
            ["old_tier"] = c.OldTier,
            ["new_tier"] = c.NewTier,
            ["moved_drivers"] = moved,
        }.ToJsonString();
    }
}
