using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks;

/// <summary>
/// Randomized control groups: a playbook with <c>holdout: 0.1</c> holds out about 10% of the entities it fires for. The
/// draw is a stable hash of (entity, playbook), so an entity stays in the same group across runs and machines, and the
/// groups of two playbooks are independent. Held-out entities are scored, tiered and their firing logged (with
/// <c>"held_out": true</c> in its data) but no action is queued: the report compares them with the treated ones.
/// </summary>
public static class HoldoutAssignment
{
    /// <summary>
    /// True when the entity falls in the playbook's control share: the first 53 bits of SHA-256 over
    /// <c>entity \u001f playbook</c>, read as a uniform number in [0, 1), are below <paramref name="share"/>.
    /// </summary>
    public static bool IsHeldOut(string entityId, string playbook, double share)
    {
        ArgumentNullException.ThrowIfNull(entityId);
        ArgumentNullException.ThrowIfNull(playbook);
        if (share <= 0)
            return false;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(entityId + '\u001f' + playbook), hash);
        var uniform = (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        return uniform < share;
    }

    /// <summary>Whether a fired trigger's entity is held out by its playbook's configured share (none when unset).</summary>
    public static bool IsHeldOut(FiredTrigger fired, PlaybookConfig config)
    {
        ArgumentNullException.ThrowIfNull(fired);
        ArgumentNullException.ThrowIfNull(config);
        return config.Holdouts.TryGetValue(fired.Rule.Playbook, out var share) && IsHeldOut(fired.Row.EntityId, fired.Rule.Playbook, share);
    }

    /// <summary>The firings with <c>"held_out": true</c> added to the data of those held out, so the trigger log records the control group.</summary>
    public static IReadOnlyList<FiredTrigger> Mark(IReadOnlyList<FiredTrigger> fired, PlaybookConfig config)
    {
        ArgumentNullException.ThrowIfNull(fired);
        var marked = new List<FiredTrigger>(fired.Count);
        foreach (var f in fired)
        {
            if (!IsHeldOut(f, config))
            {
                marked.Add(f);
                continue;
            }
            var data = JsonNode.Parse(f.Firing.DataJson)?.AsObject() ?? [];
            data["held_out"] = true;
            marked.Add(f with { Firing = f.Firing with { DataJson = data.ToJsonString() } });
        }
        return marked;
    }
}
