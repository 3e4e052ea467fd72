using System.Globalization;
using System.Text.Json.Nodes;
using Pql.Core.Events;
using Pql.Core.Playbooks;
using Pql.Core.State;

namespace Pql.Core.Governance;

/// <summary>
/// Goal-level drift triggers (<c>when: { drift_above: 0.1 }</c>): for each rule of the goal whose threshold a measure exceeds, one
/// firing (the entity is the goal itself) and one outbox action per playbook step, whose payload names the goal and the drifted
/// features with their distances. Action ids hash the check id, trigger, playbook and step, so a check is queued once.
/// Playbook holdouts do not apply: there is no entity to hold out.
/// </summary>
public static class DriftAlerts
{
    public static (IReadOnlyList<TriggerFiring> Firings, IReadOnlyList<OutboxAction> Actions) Plan(DriftReport report, string checkId,
        PlaybookConfig config, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(config);
        var firings = new List<TriggerFiring>();
        var actions = new List<OutboxAction>();
        foreach (var rule in config.Triggers)
        {
            if (rule.Kind != TriggerKind.DriftAbove || (rule.Goal is not null && rule.Goal != report.Goal))
                continue;
            var drifted = Drifted(report, rule.Threshold);
            if (drifted.Count == 0)
                continue;
            var names = drifted.Select(d => d.Feature).Distinct(StringComparer.Ordinal).ToList();
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"goal {report.Goal}: {names.Count} drifted above {rule.Threshold:0.###} against version {report.Version}'s training snapshot: {string.Join(", ", names)}");
            var data = DriftJson(report, rule.Threshold, drifted);
            firings.Add(new TriggerFiring(checkId, report.Goal, report.Goal, rule.Name, rule.Playbook, reason, data.ToJsonString(), nowMs));
            var steps = config.Playbooks[rule.Playbook];
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var id = ActionPlanner.ActionId(checkId, rule.Name, report.Goal, rule.Playbook, i);
                var payload = Payload(id, checkId, report, rule, step, config.Connectors[step.Connector].Kind, reason, names, data);
                actions.Add(new OutboxAction(id, checkId, report.Goal, report.Goal, rule.Name, rule.Playbook, step.Connector, step.Action,
                    payload, nowMs) { NextAttemptMs = nowMs });
            }
        }
        return (firings, actions);
    }

    /// <summary>The largest measure of each drifted name (overall or in a segment), largest first.</summary>
    private static List<(string Feature, string Segment, FeatureDrift Drift)> Drifted(DriftReport report, double threshold) =>
        [.. report.Measures().Where(m => m.Drift.Distance > threshold)
            .GroupBy(m => m.Drift.Feature, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(m => m.Drift.Distance).First())
            .OrderByDescending(m => m.Drift.Distance).ThenBy(m => m.Drift.Feature, StringComparer.Ordinal)
            .Select(m => (m.Drift.Feature, m.Segment, m.Drift))];

    private static JsonObject DriftJson(DriftReport report, double threshold, List<(string Feature, string Segment, FeatureDrift Drift)> drifted)
    {
        var list = new JsonArray();
        foreach (var (feature, segment, d) in drifted)
        {
            list.Add(new JsonObject
            {
                ["feature"] = feature,
                ["segment"] = segment,
                ["method"] = d.Method,
                ["distance"] = StateJson.Finite(d.Distance),
                ["psi"] = StateJson.Finite(d.Psi),
            });
        }
        return new JsonObject
        {
            ["goal"] = report.Goal,
            ["version"] = report.Version,
            ["reference_as_of"] = Timestamps.Format(report.ReferenceAsOfMs),
            ["as_of"] = Timestamps.Format(report.AsOfMs),
            ["threshold"] = threshold,
            ["drifted_features"] = list,
        };
    }

    private static string Payload(string id, string checkId, DriftReport report, TriggerRule rule, PlaybookStep step, string kind, string reason,
        List<string> names, JsonObject data)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["entity_id"] = report.Goal,
            ["goal"] = report.Goal,
            ["trigger"] = rule.Name,
            ["reason"] = reason,
            ["drifted_features"] = string.Join(", ", names),
            ["channel"] = step.Channel ?? "",
        };
        var parameters = new JsonObject();
        foreach (var (k, v) in step.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            parameters[k] = v;
        var max = report.Measures().Max(m => m.Drift.Distance);
        return new JsonObject
        {
            ["action_id"] = id,
            ["run_id"] = checkId,
            ["type"] = "drift",
            ["goal"] = report.Goal,
            ["entity_id"] = report.Goal,
            ["trigger"] = rule.Name,
            ["playbook"] = rule.Playbook,
            ["connector"] = step.Connector,
            ["kind"] = kind,
            ["action"] = step.Action,
            // Connectors built for entity plays read a score and a tier: the largest drift distance and "drift" stand in for them.
            ["score"] = StateJson.Finite(max),
            ["tier"] = "drift",
            ["message"] = step.Template.Render(values),
            ["owner"] = null,
            ["channel"] = step.Channel,
            ["reason"] = reason,
            ["drift"] = data.DeepClone(),
            ["drivers"] = new JsonArray(),
            ["moved_drivers"] = new JsonArray(),
            ["attributes"] = new JsonObject(),
            ["params"] = parameters,
        }.ToJsonString();
    }
}
