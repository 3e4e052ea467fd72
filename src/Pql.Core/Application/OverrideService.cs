using Pql.Core.Governance;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>Override entities of a goal: a tier (or <see cref="Suppress"/>), why, and for how long.</summary>
public sealed record OverrideRequest(string Workspace, string Goal, IReadOnlyList<string> EntityIds, string Reason, long DurationMs) : UseCaseRequest(Workspace)
{
    /// <summary>The tier to put the entities in; null with <see cref="Suppress"/>.</summary>
    public string? Tier { get; init; }

    /// <summary>Keep the entities scored but act on none of them.</summary>
    public bool Suppress { get; init; }
}

/// <summary>What an override request did: the batch, whether it waits and why, and the goal's overrides now.</summary>
public sealed record OverrideResult(long Batch, string? WaitsBecause, IReadOnlyDictionary<string, EntityOverride> Active, IReadOnlyList<EntityOverride> Pending);

/// <summary>
/// Overrides with guardrails (<see cref="OverrideGuardrail"/>): set, approve (by an identity other than the one that asked), clear, list.
/// Works on an open state store so the CLI and the server share it; the next scoring applies what is in force, the server's score list
/// applies it at once, and expired overrides lapse without anyone acting.
/// </summary>
public static class OverrideService
{
    /// <summary>The guardrail's limits from pql.yaml's <c>overrides:</c> section (its defaults when absent).</summary>
    public static OverrideOptions Options(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new OverrideOptions
        {
            MaxEntitiesWithoutApproval = config.Overrides.MaxEntitiesWithoutApproval,
            MaxTierStepsWithoutApproval = config.Overrides.MaxTierStepsWithoutApproval,
        };
    }

    public static async Task<OverrideResult> SetAsync(IStateStore state, WorkspaceConfig config, OverrideRequest request, TimeProvider time,
        OverrideOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        config.Goal(request.Goal);
        if (request.Suppress == (request.Tier is not null))
            throw new PqlInputException("override: give either a tier (--tier) or --suppress");
        if (request.EntityIds.Count == 0)
            throw new PqlInputException("override: name at least one entity (--entity)");
        if (string.IsNullOrWhiteSpace(request.Reason))
            throw new PqlInputException("override: a reason is required (--reason)");
        if (request.DurationMs <= 0)
            throw new PqlInputException("override: the expiry must be a positive duration such as 30d (--expires)");
        var tiers = TierPolicy.Parse(config, request.Goal).TierNames;
        if (request.Tier is { } tier && !tiers.Contains(tier))
            throw new PqlInputException($"override: '{tier}' is not a tier of goal '{request.Goal}' ({string.Join(", ", tiers)})");
        var latest = await state.LatestScoresAsync(request.Goal, cancellationToken).ConfigureAwait(false);
        var modelTiers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in request.EntityIds)
        {
            if (latest.TryGetValue(id, out var row))
                modelTiers[id] = TierOverrides.Apply(row, null).Tier;
        }
        var why = OverrideGuardrail.ApprovalReason(tiers, modelTiers, request.EntityIds, request.Tier, options ?? Options(config));
        var expires = time.GetUtcNow().ToUnixTimeMilliseconds() + request.DurationMs;
        var batch = await state.SetOverridesAsync(new OverrideChange(request.Goal, [.. request.EntityIds.Distinct(StringComparer.Ordinal)], request.Tier,
            request.Reason.Trim(), expires), why, request.By, cancellationToken).ConfigureAwait(false);
        return await DescribeAsync(state, request.Goal, batch, why, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<OverrideResult> ApproveAsync(IStateStore state, string goal, long batch, Actor approver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            await state.ApproveOverridesAsync(goal, batch, approver, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new PqlInputException(e.Message, e);
        }
        return await DescribeAsync(state, goal, batch, null, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<OverrideResult> ClearAsync(IStateStore state, string goal, string entityId, Actor by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (await state.ClearOverridesAsync(goal, entityId, by, cancellationToken).ConfigureAwait(false) == 0)
            throw new PqlInputException($"override: entity '{entityId}' has no override of goal '{goal}' in force or waiting");
        return await DescribeAsync(state, goal, 0, null, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<OverrideResult> DescribeAsync(IStateStore state, string goal, long batch, string? why, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new OverrideResult(batch, why, await state.ActiveOverridesAsync(goal, cancellationToken).ConfigureAwait(false),
            await state.PendingOverridesAsync(goal, cancellationToken).ConfigureAwait(false));
    }
}
