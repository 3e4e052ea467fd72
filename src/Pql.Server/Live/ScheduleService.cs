using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pql.Core.Application;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Live;

/// <summary>
/// Runs the <c>schedules:</c> of pql.yaml inside the server: a full <c>rescore</c> (score every entity and queue the actions its
/// triggers fire, as <c>pql score</c> does) or a <c>retrain</c> (train and register the new version through the promotion guardrail, as <c>pql train</c> does),
/// through the same application services, or a <c>drift</c> check (as <c>pql drift</c> does: its <c>drift_above</c> triggers queue
/// their playbooks, which the server's dispatcher delivers). Periods count from the server's start. A failed run is logged and shown in /readyz until the next run of that schedule succeeds.
/// </summary>
public sealed partial class ScheduleService(WorkspaceEngine engine, ServiceHealth health, ScoreBoard board, ILogger<ScheduleService> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(engine.Config.Schedules.Select(s => RunAsync(s, stoppingToken)));

    private async Task RunAsync(ScheduleConfig schedule, CancellationToken ct)
    {
        var name = $"schedule {schedule.Task.ToString().ToLowerInvariant()} {schedule.Goal} every {TimeSpan.FromMilliseconds(schedule.EveryMs)}";
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(schedule.EveryMs));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await RunOnceAsync(schedule, ct).ConfigureAwait(false);
                    engine.RequestFullLoad(); // the periodic full load: the live store is read again from the workspace
                    board.Invalidate();
                    health.Recover(name);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // reported in /readyz and the log; the next period tries again
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    health.Fail(name, ex.Message);
                    LogFailed(log, name, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>One run of a schedule, for every goal it applies to.</summary>
    public async Task RunOnceAsync(ScheduleConfig schedule, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var by = Actor.System("schedule");
        foreach (var goal in engine.Config.Goals.Where(g => schedule.AppliesTo(g.Name)))
        {
            if (schedule.Task == ScheduledTask.Retrain)
            {
                // pql train's own path (TrainService, its lines to the host's log): registration, promotion and its governance are the application layer's.
                var result = await new TrainService().TrainAsync(new TrainRequest(engine.Config.Directory) { Goal = goal.Name, By = by, Log = log }, ct).ConfigureAwait(false);
                if (result.Failed.Count > 0)
                    throw new InvalidOperationException($"goal '{goal.Name}' was not retrained: {result.Failed[0].Problem}");
            }
            else if (schedule.Task == ScheduledTask.Drift)
                await new DriftService().CheckAsync(new DriftRequest(engine.Config.Directory, goal.Name) { By = by, Log = log }, ct).ConfigureAwait(false);   // the dispatcher delivers its alerts
            else
                await new ScoreService().ScoreAsync(new ScoreRequest(engine.Config.Directory, goal.Name) { By = by, Log = log }, ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Schedule} failed")]
    private static partial void LogFailed(ILogger logger, string schedule, Exception exception);
}
