using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record TrainRequest(string Workspace) : UseCaseRequest(Workspace)
{
    /// <summary>Train only this goal; every goal in pql.yaml when null.</summary>
    public string? Goal { get; init; }
    public long? AsOfMs { get; init; }
    public int Threads { get; init; }
    /// <summary>Also fit on activity features alone and report what the multi-product families add.</summary>
    public bool CompareWithActivityOnly { get; init; }
}

/// <summary>A goal that could not be trained, and why in one line.</summary>
public sealed record GoalFailure(string Goal, string Problem);

public sealed record TrainResult(string LoadSummary, IReadOnlyList<GoalTrainingReport> Trained, IReadOnlyList<GoalFailure> Failed)
{
    public bool AllTrained => Failed.Count == 0;

    /// <summary>Per trained goal: whether its new version was promoted or waits for approval (docs/GOVERNANCE.md).</summary>
    public IReadOnlyList<PromotionOutcome> Promotions { get; init; } = [];
}

/// <summary>
/// Trains goals independently: each trained goal's model is registered by the requester and made current when the promotion
/// guardrail allows (otherwise it waits for a second identity's approval); a goal that cannot be
/// trained (too little history, an event that never occurs, one class only) is reported and the others still train.
/// </summary>
public sealed class TrainService(TimeProvider? time = null, ILogger<TrainService>? logger = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<TrainService>.Instance;

    public async Task<TrainResult> TrainAsync(TrainRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log, asOfMs: request.AsOfMs);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        return await TrainAsync(session, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The same on an opened session (the demo and the server keep one open).</summary>
    public async Task<TrainResult> TrainAsync(WorkspaceSession session, TrainRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<GoalDefinition> goals = request.Goal is { } name ? [session.Config.Goal(name)] : session.Config.Goals;
        if (goals.Count == 0)
            throw new PqlInputException($"{session.Config.ConfigPath}: no goals are defined");
        var trained = new List<GoalTrainingReport>();
        var failed = new List<GoalFailure>();
        var promotions = new List<PromotionOutcome>();
        foreach (var goal in goals)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GoalTrainingReport report;
            try
            {
                report = GoalTrainer.Train(session.Config, session.Load, goal, new TrainOptions
                {
                    AsOfMs = request.AsOfMs,
                    Threads = request.Threads,
                    CompareWithActivityOnly = request.CompareWithActivityOnly,
                    Log = request.Log,
                    Time = _time,
                    Feedback = await TrainingFeedbackOf(session.State, goal.Name, cancellationToken).ConfigureAwait(false),
                });
            }
            catch (PqlInputException ex)
            {
                failed.Add(new GoalFailure(goal.Name, ex.Message));
                Log.GoalNotTrained(_logger, goal.Name, ex.Message);
                continue;
            }
            promotions.Add(await VersionPromotion.RegisterAsync(session, goal, report, request.By, cancellationToken).ConfigureAwait(false));
            trained.Add(report);
            Log.GoalTrained(_logger, goal.Name, report.Version, report.Result.Best.Kind, request.By.ToString());
        }
        return new TrainResult(session.Load.Report.Summary(), trained, failed) { Promotions = promotions };
    }

    /// <summary>The goal's feedback as training reads it (<see cref="TrainingFeedback"/>).</summary>
    private static async Task<IReadOnlyList<FeedbackSignal>> TrainingFeedbackOf(IFeedback feedback, string goal, CancellationToken cancellationToken) =>
        [.. (await feedback.FeedbackAsync(goal, cancellationToken).ConfigureAwait(false)).Select(f => new FeedbackSignal(f.EntityId, f.Kind, f.CreatedMs, f.CoolDownUntilMs))];
}
