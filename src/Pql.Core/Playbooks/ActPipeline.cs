using Microsoft.Extensions.Logging;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>The plan for one scored run: the firings and actions it produces against the stored history.</summary>
public sealed record ActPlan(ScoreRun Run, IReadOnlyList<FiredTrigger> Fired, IReadOnlyList<OutboxAction> Actions);

/// <summary>
/// score -> triggers -> outbox -> dispatch. Takes a scored run (tiers filled), evaluates the triggers against each entity's
/// previous scoring for the goal, plans the playbooks' actions and stores run, firings and actions in one transaction that
/// holds the goal's lock (<see cref="IScoreHistory.RecordRunAsync"/>), so concurrent runs queue each action once; a dry run
/// stores nothing. Dispatch is a separate step (<see cref="OutboxDispatcher"/>), so a crash between the two loses nothing.
/// </summary>
public sealed class ActPipeline(IScoreHistory history, IOutbox outbox, PlaybookConfig config, TimeProvider time, IOverrides? overrides = null)
{
    /// <summary>The firings and actions of <paramref name="run"/> against <paramref name="previous"/> (each entity's last row).</summary>
    public ActPlan Plan(ScoreRun run, IReadOnlyDictionary<string, EntityScore> previous)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(previous);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var fired = HoldoutAssignment.Mark(MarkSuppressed(TriggerEngine.Evaluate(run, previous, config.Triggers, now)), config);
        var actions = ActionPlanner.Plan(fired, config, now);
        return new ActPlan(run, fired, actions);
    }

    /// <summary>Plans against the stored history without taking the lock or writing (a dry run).</summary>
    public async Task<ActPlan> PlanAsync(ScoreRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Plan(run, await history.LatestScoresAsync(run.Goal, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The run with the goal's overrides in force applied (<see cref="TierOverrides"/>), when the pipeline was given the overrides.</summary>
    public async Task<ScoreRun> WithOverridesAsync(ScoreRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return overrides is null ? run : TierOverrides.Apply(run, await overrides.ActiveOverridesAsync(run.Goal, cancellationToken).ConfigureAwait(false));
    }

    private static IReadOnlyList<FiredTrigger> MarkSuppressed(IReadOnlyList<FiredTrigger> fired)
    {
        if (!fired.Any(f => TierOverrides.IsSuppressed(f.Row)))
            return fired;
        return [.. fired.Select(f => TierOverrides.IsSuppressed(f.Row) ? f with { Firing = f.Firing with { DataJson = WithFlag(f.Firing.DataJson, "suppressed") } } : f)];
    }

    private static string WithFlag(string json, string flag)
    {
        var data = System.Text.Json.Nodes.JsonNode.Parse(json)?.AsObject() ?? [];
        data[flag] = true;
        return data.ToJsonString();
    }

    /// <summary>Plans and, unless <paramref name="dryRun"/>, stores the run with its firings and actions atomically under the goal's lock.</summary>
    public async Task<ActPlan> RecordAsync(ScoreRun run, bool dryRun, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        run = await WithOverridesAsync(run, cancellationToken).ConfigureAwait(false);
        if (dryRun)
            return await PlanAsync(run, cancellationToken).ConfigureAwait(false);
        ActPlan? plan = null;
        await history.RecordRunAsync(run.Goal, previous =>
        {
            plan = Plan(run, previous);
            return new RunRecording(run, [.. plan.Fired.Select(f => f.Firing)], plan.Actions);
        }, actor, cancellationToken).ConfigureAwait(false);
        return plan!;
    }

    /// <summary>
    /// <see cref="RecordAsync"/> for a run of a few entities (pql serve's touched ones): under the goal's lock the previous rows
    /// of those entities only are read, so the cost follows the run, not the goal's whole score history.
    /// </summary>
    public async Task<ActPlan> RecordEntitiesAsync(ScoreRun run, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        run = await WithOverridesAsync(run, cancellationToken).ConfigureAwait(false);
        ActPlan? plan = null;
        var entities = run.Rows.Select(r => r.EntityId).ToArray();
        await history.RecordEntitiesRunAsync(run.Goal, entities, previous =>
        {
            plan = Plan(run, previous);
            return new RunRecording(run, [.. plan.Fired.Select(f => f.Firing)], plan.Actions);
        }, actor, cancellationToken).ConfigureAwait(false);
        return plan!;
    }

    /// <summary>Records the run and then delivers the outbox (unless a dry run).</summary>
    public async Task<(ActPlan Plan, DispatchReport? Dispatch)> ActAsync(ScoreRun run, bool dryRun, Actor actor, ConnectorContext connectors,
        DispatchOptions? options = null, ILogger? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectors);
        var plan = await RecordAsync(run, dryRun, actor, cancellationToken).ConfigureAwait(false);
        if (dryRun)
            return (plan, null);
        var dispatcher = new OutboxDispatcher(outbox, ConnectorFactory.CreateAll(config.Connectors, connectors), time, options,
            log: log, secrets: connectors.Secrets, owner: OutboxDispatcher.OwnerFor(actor));
        var report = await dispatcher.RunAsync(cancellationToken).ConfigureAwait(false);
        return (plan, report);
    }
}
