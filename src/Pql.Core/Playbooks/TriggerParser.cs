using Pql.Core.Scoring;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Playbooks;

/// <summary>Parses the <c>triggers</c> list; errors name file, line and key.</summary>
public static class TriggerParser
{
    public static IReadOnlyList<TriggerRule> Parse(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var r = config.Reader;
        if (config.ListSection("triggers") is not { } list)
        {
            if (config.Section("triggers") is { } wrong)
                throw r.Error(wrong, "triggers", "expected a list: '- name: ...' entries");
            return [];
        }
        var rules = new List<TriggerRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var key = $"triggers[{i}]";
            var map = r.RequireMap(list.Children[i], key);
            r.AllowOnly(map, key, "name", "goal", "when", "filter", "playbook");
            var name = r.RequireScalar(map, "name", $"{key}.name");
            if (!names.Add(name))
                throw r.Error(map, $"{key}.name", $"trigger '{name}' is defined twice");
            var when = r.Map(map, "when", $"{key}.when") ?? throw r.Error(map, $"{key}.when", "is required (tier_entered, tier_left, score_crosses, score_delta or first_scored)");
            r.AllowOnly(when, $"{key}.when", "tier_entered", "tier_left", "score_crosses", "score_delta", "first_scored", "drift_above", "direction");
            var kinds = when.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Where(k => k != "direction").ToList();
            if (kinds.Count != 1)
                throw r.Error(when, $"{key}.when", "needs exactly one condition: tier_entered, tier_left, score_crosses, score_delta, first_scored or drift_above");
            string? tier = null;
            double threshold = 0;
            TriggerKind kind;
            switch (kinds[0])
            {
                case "tier_entered":
                    kind = TriggerKind.TierEntered;
                    tier = r.RequireScalar(when, "tier_entered", $"{key}.when.tier_entered");
                    break;
                case "tier_left":
                    kind = TriggerKind.TierLeft;
                    tier = r.RequireScalar(when, "tier_left", $"{key}.when.tier_left");
                    break;
                case "score_crosses":
                    kind = TriggerKind.ScoreCrosses;
                    threshold = r.Number(when, "score_crosses", $"{key}.when.score_crosses")!.Value;
                    if (threshold is < 0 or > 1)
                        throw r.Error(when, $"{key}.when.score_crosses", "must be a score in [0, 1]");
                    break;
                case "score_delta":
                    kind = TriggerKind.ScoreDelta;
                    threshold = r.Number(when, "score_delta", $"{key}.when.score_delta")!.Value;
                    if (threshold is <= 0 or > 1)
                        throw r.Error(when, $"{key}.when.score_delta", "must be in (0, 1]");
                    break;
                case "drift_above":
                    kind = TriggerKind.DriftAbove;
                    threshold = r.Number(when, "drift_above", $"{key}.when.drift_above")!.Value;
                    if (threshold is <= 0 or > 10)
                        throw r.Error(when, $"{key}.when.drift_above", "must be a drift distance above 0 (0.1 is the usual threshold; docs/GOVERNANCE.md)");
                    if (YamlConfigReader.Child(map, "filter") is { } entityFilter)
                        throw r.Error(entityFilter, $"{key}.filter", "does not apply to drift_above: drift is measured per goal (and per segment), not per entity");
                    break;
                default:
                    kind = TriggerKind.FirstScored;
                    if (r.Bool(when, "first_scored", $"{key}.when.first_scored") != true)
                        throw r.Error(when, $"{key}.when.first_scored", "use 'first_scored: true'");
                    break;
            }
            var direction = r.Scalar(when, "direction", $"{key}.when.direction") ?? "up";
            if (direction is not ("up" or "down" or "both"))
                throw r.Error(when, $"{key}.when.direction", $"'{direction}' is not up, down or both");
            var filter = new Dictionary<string, string>(StringComparer.Ordinal);
            if (r.Map(map, "filter", $"{key}.filter") is { } f)
            {
                foreach (var (k, _) in f.Children)
                {
                    var attr = ((YamlScalarNode)k).Value ?? "";
                    filter[attr] = r.RequireScalar(f, attr, $"{key}.filter.{attr}");
                }
            }
            var goal = r.Scalar(map, "goal", $"{key}.goal");
            if (goal is not null && config.Goals.Count > 0 && config.Goals.All(g => g.Name != goal))
                throw r.Error(map, $"{key}.goal", $"unknown goal '{goal}'");
            if (tier is not null && KnownTiers(config, goal) is { } known && !known.Contains(tier))
                throw r.Error(when, $"{key}.when", $"tier '{tier}' is not a tier of {(goal is null ? "any goal" : $"goal '{goal}'")} ({string.Join(", ", known.Order(StringComparer.Ordinal))})");
            var playbook = r.RequireScalar(map, "playbook", $"{key}.playbook");
            rules.Add(new TriggerRule(name, goal, kind, tier, threshold, direction, filter, playbook));
        }
        return rules;
    }

    /// <summary>
    /// The tier names a trigger may name: its goal's, or any goal's when it names none; null when the tiers section is itself
    /// invalid (that error is reported once, by the tiers check) or no goal is declared.
    /// </summary>
    private static HashSet<string>? KnownTiers(WorkspaceConfig config, string? goal)
    {
        var goals = goal is not null ? [goal] : config.Goals.Select(g => g.Name).ToList();
        if (goals.Count == 0)
            return null;
        try
        {
            return goals.SelectMany(g => TierPolicy.Parse(config, g).TierNames).ToHashSet(StringComparer.Ordinal);
        }
        catch (ConfigException)
        {
            return null;
        }
    }
}
