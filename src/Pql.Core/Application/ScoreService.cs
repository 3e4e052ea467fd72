using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record ScoreRequest(string Workspace, string Goal) : UseCaseRequest(Workspace)
{
    /// <summary>Point in time to score at; default the latest event.</summary>
    public long? AsOfMs { get; init; }
    public int Threads { get; init; }
    /// <summary>Score with this artifact instead of the goal's current model.</summary>
    public string? ModelPath { get; init; }
    /// <summary>Where to write the contract's CSV (entity_id,score,tier,top_drivers); none when null.</summary>
    public string? OutputCsv { get; init; }
    /// <summary>Entity attributes appended to the CSV after the contract's four columns, in this order.</summary>
    public IReadOnlyList<string> WithAttributes { get; init; } = [];
}

public sealed record ScoreResult(GoalDefinition Goal, ScoreRun Run, ActPlan Plan);

/// <summary>
/// Scores a goal, stores the run in the score history and queues the actions of the triggers it fires, in one transaction
/// under the goal's lock (the same path as <see cref="ActService"/>, without delivering).
/// </summary>
public sealed class ScoreService(TimeProvider? time = null, ILogger<ScoreService>? logger = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<ScoreService>.Instance;

    public async Task<ScoreResult> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log, asOfMs: request.AsOfMs);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        return await ScoreAsync(session, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The same on an opened session (the demo and the server keep one open).</summary>
    public async Task<ScoreResult> ScoreAsync(WorkspaceSession session, ScoreRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var goal = session.Config.Goal(request.Goal);
        var playbooks = PlaybookConfig.Parse(session.Config);
        ScoreCsv.CheckAttributes(request.WithAttributes, EntityAttributes.Names(session.Load.Store, goal.Entity), goal.Entity.ToString().ToLowerInvariant());
        var run = await ScoreGoalAsync(session, goal, request.AsOfMs, request.Threads, request.ModelPath, request.Log, _time, cancellationToken).ConfigureAwait(false);
        var plan = await new ActPipeline(session.State, session.State, playbooks, _time, session.State).RecordAsync(run, dryRun: false, request.By, cancellationToken).ConfigureAwait(false);
        Log.RunRecorded(_logger, run.RunId, goal.Name, request.By.ToString(), plan.Fired.Count, plan.Actions.Count);
        if (request.OutputCsv is { } path)
            ScoreCsv.Write(plan.Run, path, request.WithAttributes);
        return new ScoreResult(goal, plan.Run, plan);
    }

    internal static async Task<ScoreRun> ScoreGoalAsync(WorkspaceSession session, GoalDefinition goal, long? asOfMs, int threads, string? modelPath,
        ILogger log, TimeProvider time, CancellationToken cancellationToken)
    {
        var path = modelPath ?? (await CurrentModel.RequireAsync(session.State, goal.Name, cancellationToken).ConfigureAwait(false)).ArtifactPath;
        return WorkspaceScorer.Score(session.Config, session.Load, goal, new ScoreOptions
        {
            AsOfMs = asOfMs,
            Threads = threads,
            ModelPath = path,
            Log = log,
            Time = time,
        });
    }
}
