using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record ActRequest(string Workspace, string Goal) : UseCaseRequest(Workspace)
{
    public long? AsOfMs { get; init; }
    public int Threads { get; init; }
    /// <summary>Show what would fire and be queued; store and send nothing.</summary>
    public bool DryRun { get; init; }
    /// <summary>How long delivery waits for retries not yet due before it returns.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(2);
}

public sealed record ActResult(GoalDefinition Goal, ScoreRun Run, ActPlan Plan, DispatchReport? Dispatch);

/// <summary>
/// score -> triggers -> outbox -> dispatch through <see cref="ActPipeline.ActAsync"/>: the run, its firings and its actions are stored in
/// one transaction under the goal's lock, then the outbox is delivered under leases, so concurrent runs queue and send each action once.
/// </summary>
public sealed class ActService(TimeProvider? time = null, HttpMessageHandler? http = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ActResult> ActAsync(ActRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log, asOfMs: request.AsOfMs);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        var goal = session.Config.Goal(request.Goal);
        var playbooks = PlaybookConfig.Parse(session.Config);
        var run = await ScoreService.ScoreGoalAsync(session, goal, request.AsOfMs, request.Threads, null, request.Log, _time, cancellationToken).ConfigureAwait(false);
        using var client = OutboxService.Client(http);
        var connectors = new ConnectorContext(client, new SecretResolver(), _time, session.Config.Directory);
        Log.Progress(request.Log, request.DryRun ? "planning" : "recording the run and delivering the outbox");
        var (plan, dispatch) = await new ActPipeline(session.State, session.State, playbooks, _time, session.State)
            .ActAsync(run, request.DryRun, request.By, connectors, new DispatchOptions { MaxWait = request.MaxWait }, request.Log, cancellationToken)
            .ConfigureAwait(false);
        return new ActResult(goal, plan.Run, plan, dispatch);
    }
}
