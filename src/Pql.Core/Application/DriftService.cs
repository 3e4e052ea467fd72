using Microsoft.Extensions.Logging;
using System.Globalization;
using Pql.Core.Governance;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;
using Pql.Core.Ingest;

namespace Pql.Core.Application;

public sealed record DriftRequest(string Workspace, string Goal) : UseCaseRequest(Workspace)
{
    /// <summary>Measure the population eligible at this time; default the latest event.</summary>
    public long? AsOfMs { get; init; }

    /// <summary>The distance above which a measure is reported as drifted (triggers use their own <c>drift_above</c>).</summary>
    public double Threshold { get; init; } = DriftAnalyzer.DefaultThreshold;

    /// <summary>Fire the goal's <c>drift_above</c> triggers and queue their playbooks' actions.</summary>
    public bool Alert { get; init; } = true;

    /// <summary>Also deliver the outbox after queuing (the CLI does; the server's dispatcher delivers on its own).</summary>
    public bool Deliver { get; init; }

    /// <summary>How long delivery waits for retries not yet due before it returns.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(2);
}

public sealed record DriftResult(DriftReport Report, IReadOnlyList<TriggerFiring> Fired, IReadOnlyList<OutboxAction> Queued, DispatchReport? Dispatch);

/// <summary>
/// The drift check (docs/GOVERNANCE.md): scores the population eligible at as-of with the goal's current version, measures every
/// feature of that version's training snapshot and the score, overall and per segment, and fires the goal's
/// <c>drift_above</c> triggers: their firings and playbook actions are stored in one transaction and go out through the outbox.
/// </summary>
public sealed class DriftService(TimeProvider? time = null, HttpMessageHandler? http = null, SecretResolver? secrets = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<DriftResult> CheckAsync(DriftRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Threshold is <= 0 or > 10)
            throw new Workspace.PqlInputException(string.Create(CultureInfo.InvariantCulture, $"--threshold: {request.Threshold} must be above 0 (0.1 is the usual threshold)"));
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log, asOfMs: request.AsOfMs);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        var goal = session.Config.Goal(request.Goal);
        var playbooks = PlaybookConfig.Parse(session.Config);
        var report = await MeasureAsync(session.Config, session.Load, session.State, goal, request.AsOfMs, request.Threshold, request.Log, cancellationToken)
            .ConfigureAwait(false);
        if (!request.Alert)
            return new DriftResult(report, [], [], null);

        var now = _time.GetUtcNow();
        var checkId = string.Create(CultureInfo.InvariantCulture, $"{goal.Name}-drift-{now:yyyyMMdd'T'HHmmssfff'Z'}");
        var (firings, actions) = DriftAlerts.Plan(report, checkId, playbooks, now.ToUnixTimeMilliseconds());
        if (firings.Count > 0)
            await session.State.QueueGoalFiringsAsync(firings, actions, request.By, cancellationToken).ConfigureAwait(false);
        DispatchReport? dispatch = null;
        if (request.Deliver && actions.Count > 0)
        {
            using var client = OutboxService.Client(http);
            var context = new ConnectorContext(client, secrets ?? new SecretResolver(), _time, session.Config.Directory);
            dispatch = await new OutboxDispatcher(session.State, ConnectorFactory.CreateAll(playbooks.Connectors, context), _time,
                new DispatchOptions { MaxWait = request.MaxWait }, log: request.Log, secrets: context.Secrets,
                owner: OutboxDispatcher.OwnerFor(request.By)).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        return new DriftResult(report, firings, actions, dispatch);
    }

    /// <summary>
    /// The measurement alone (no trigger, no state written): the population eligible at as-of scored with the goal's current version
    /// and compared with that version's training snapshot. The drift check and the lift report's drift section both use it.
    /// </summary>
    public static async Task<DriftReport> MeasureAsync(WorkspaceConfig config, LoadResult load, IModelRegistry registry, GoalDefinition goal, long? asOfMs,
        double threshold, ILogger log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(goal);
        var model = await CurrentModel.RequireAsync(registry, goal.Name, cancellationToken).ConfigureAwait(false);
        var snapshot = TrainingSnapshot.Load(TrainingSnapshot.PathFor(model.ArtifactPath));
        Log.Progress(log, $"{goal.Name}: measuring drift against version {model.Version}'s training snapshot");
        var population = WorkspaceScorer.Population(config, load, goal, asOfMs, log);
        var scores = ModelArtifact.Load(model.ArtifactPath).ToModel().PredictProbability(population.Matrix);
        return DriftAnalyzer.Compare(snapshot, population.AsOfMs, population.Matrix, scores, population.Attributes, threshold);
    }
}
