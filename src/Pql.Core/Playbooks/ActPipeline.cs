using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>The plan for one scored run: the firings and actions it produces against the stored history.</summary>
public sealed record ActPlan(ScoreRun Run, IReadOnlyList<FiredTrigger> Fired, IReadOnlyList<OutboxAction> Actions);

/// <summary>
/// score -> triggers -> outbox -> dispatch. Takes a scored run (tiers filled), evaluates the triggers against each entity's
/// previous scoring for the goal, plans the playbooks' actions and stores run, firings and actions in one transaction;
/// a dry run stores nothing. Dispatch is a separate step (<see cref="OutboxDispatcher"/>), so a crash between the two loses nothing.
/// </summary>
public sealed class ActPipeline(IStateStore store, PlaybookConfig config, TimeProvider time)
{
    public ActPlan Plan(ScoreRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var previous = store.LatestScores(run.Goal);
        var fired = TriggerEngine.Evaluate(run, previous, config.Triggers, now);
        var actions = ActionPlanner.Plan(fired, config, now);
        return new ActPlan(run, fired, actions);
    }

    /// <summary>Plans and, unless <paramref name="dryRun"/>, stores the run with its firings and actions atomically.</summary>
    public ActPlan Record(ScoreRun run, bool dryRun)
    {
        var plan = Plan(run);
        if (!dryRun)
        {
            store.SaveScoreRun(run, [.. plan.Fired.Select(f => f.Firing)], plan.Actions);
            store.AppendAudit(new AuditEntry(time.GetUtcNow().ToUnixTimeMilliseconds(), "pql act", "score_run",
                $"run {run.RunId} goal {run.Goal}: {run.Rows.Count} rows, {plan.Fired.Count} firings, {plan.Actions.Count} actions"));
        }
        return plan;
    }

    /// <summary>Records the run and then delivers the outbox (unless a dry run).</summary>
    public async Task<(ActPlan Plan, DispatchReport? Dispatch)> ActAsync(ScoreRun run, bool dryRun, ConnectorContext connectors,
        DispatchOptions? options = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectors);
        var plan = Record(run, dryRun);
        if (dryRun)
            return (plan, null);
        var dispatcher = new OutboxDispatcher(store, ConnectorFactory.CreateAll(config.Connectors, connectors), time, options, log: log, secrets: connectors.Secrets);
        var report = await dispatcher.RunAsync(cancellationToken).ConfigureAwait(false);
        return (plan, report);
    }
}
