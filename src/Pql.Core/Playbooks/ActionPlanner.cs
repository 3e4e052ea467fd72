using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>
/// Turns fired triggers into outbox actions: one per playbook step, with the message rendered, the owner and channel
/// routed, and a deterministic action id (the idempotency key) so planning the same run twice yields the same keys.
/// Entities a playbook holds out (<see cref="HoldoutAssignment"/>) get no action.
/// </summary>
public static class ActionPlanner
{
    public static IReadOnlyList<OutboxAction> Plan(IReadOnlyList<FiredTrigger> fired, PlaybookConfig config, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(fired);
        ArgumentNullException.ThrowIfNull(config);
        var actions = new List<OutboxAction>();
        foreach (var f in fired)
        {
            if (HoldoutAssignment.IsHeldOut(f, config) || TierOverrides.IsSuppressed(f.Row))
                continue;   // the control group, or suppressed by a person: logged as fired, no action
            var steps = config.Playbooks[f.Rule.Playbook];
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var kind = config.Connectors[step.Connector].Kind;
                var id = ActionId(f.Firing.RunId, f.Rule.Name, f.Row.EntityId, f.Rule.Playbook, i);
                var payload = Payload(id, f, step, kind);
                actions.Add(new OutboxAction(id, f.Firing.RunId, f.Firing.Goal, f.Row.EntityId, f.Rule.Name, f.Rule.Playbook,
                    step.Connector, step.Action, payload, nowMs) { NextAttemptMs = nowMs });
            }
        }
        return actions;
    }

    /// <summary>32 hex chars of SHA-256 over run, trigger, entity, playbook and step: stable across retries and re-plans.</summary>
    public static string ActionId(string runId, string trigger, string entityId, string playbook, int step)
    {
        var text = string.Join('\u001f', runId, trigger, entityId, playbook, step.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    private static string Payload(string id, FiredTrigger f, PlaybookStep step, string kind)
    {
        var row = f.Row;
        var owner = row.Attributes.GetValueOrDefault(step.OwnerAttribute);
        var segment = row.Attributes.GetValueOrDefault(step.SegmentAttribute);
        var channel = segment is not null && step.Channels.TryGetValue(segment, out var c) ? c : step.Channel;
        var drivers = string.Join(", ", row.Drivers.OrderByDescending(d => Math.Abs(d.Contribution)).Take(3)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Feature} ({d.Contribution:+0.00;-0.00})")));
        var moved = string.Join(", ", f.Change.MovedDrivers
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Feature} ({m.Delta:+0.00;-0.00})")));
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["entity_id"] = row.EntityId,
            ["goal"] = f.Firing.Goal,
            ["score"] = MessageTemplate.Number(row.Score),
            ["previous_score"] = MessageTemplate.Number(f.Change.OldScore),
            ["tier"] = row.Tier,
            ["previous_tier"] = f.Change.OldTier ?? "",
            ["trigger"] = f.Rule.Name,
            ["reason"] = f.Firing.Reason,
            ["drivers"] = drivers,
            ["moved_drivers"] = moved,
            ["owner"] = owner ?? "",
            ["channel"] = channel ?? "",
        };
        foreach (var (k, v) in row.Attributes)
            values["attributes." + k] = v;

        var driverArray = new JsonArray();
        foreach (var d in row.Drivers)
            driverArray.Add(new JsonObject { ["feature"] = d.Feature, ["value"] = StateJson.Finite(d.Value), ["contribution"] = StateJson.Finite(d.Contribution) });
        var movedArray = new JsonArray();
        foreach (var m in f.Change.MovedDrivers)
            movedArray.Add(new JsonObject { ["feature"] = m.Feature, ["delta"] = StateJson.Finite(m.Delta), ["old_contribution"] = StateJson.Finite(m.OldContribution), ["new_contribution"] = StateJson.Finite(m.NewContribution) });
        var attributes = new JsonObject();
        foreach (var (k, v) in row.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
            attributes[k] = v;
        var parameters = new JsonObject();
        foreach (var (k, v) in step.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            parameters[k] = v;
        return new JsonObject
        {
            ["action_id"] = id,
            ["run_id"] = f.Firing.RunId,
            ["goal"] = f.Firing.Goal,
            ["entity_id"] = row.EntityId,
            ["trigger"] = f.Rule.Name,
            ["playbook"] = f.Rule.Playbook,
            ["connector"] = step.Connector,
            ["kind"] = kind,
            ["action"] = step.Action,
            ["score"] = StateJson.Finite(row.Score),
            ["tier"] = row.Tier,
            ["previous_score"] = f.Change.OldScore,
            ["previous_tier"] = f.Change.OldTier,
            ["message"] = step.Template.Render(values),
            ["owner"] = owner,
            ["channel"] = channel,
            ["reason"] = f.Firing.Reason,
            ["drivers"] = driverArray,
            ["moved_drivers"] = movedArray,
            ["attributes"] = attributes,
            ["params"] = parameters,
        }.ToJsonString();
    }
}
