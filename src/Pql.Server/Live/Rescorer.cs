using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pql.Core.Workspace;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Server.Live;

/// <summary>
/// Rescores the entities that accepted events touched. Touches are coalesced: after the first one arrives the rescorer waits
/// <see cref="ServerOptions.CoalesceWindow"/> and takes every touch queued by then, so an entity touched by many events in that
/// window is rescored once. Each pass appends the accepted events to the loaded store in memory (<see cref="WorkspaceEngine.Refresh"/>:
/// the loader's parser and sort order, so the features are the batch engine's, without reading the workspace again), scores only
/// the touched entities of each goal with its current model (the batch scorer's code), and records their rows as a run: the triggers compare them with each entity's previous row and their actions are queued in the same transaction.
/// </summary>
public sealed partial class Rescorer(WorkspaceEngine engine, ServerMetrics metrics, ServiceHealth health, ScoreBoard board, ILogger<Rescorer> log) : BackgroundService
{
    private const string Service = "rescorer";
    private static readonly Actor s_actor = Actor.System("serve-rescore");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var state = StateStores.Open(engine.Config);
        var reader = engine.Touched.Reader;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                    return;
                await Task.Delay(engine.Options.CoalesceWindow, stoppingToken).ConfigureAwait(false);
                var touches = new List<Touch>();
                engine.Rescoring = true;
                try
                {
                    while (reader.TryRead(out var t))
                        touches.Add(t);
                    await RescoreAsync(state, touches, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    engine.Rescoring = false;
                }
                health.Recover(Service);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed pass is reported in /readyz and the log, and the loop goes on with the next touches
            catch (Exception ex)
#pragma warning restore CA1031
            {
                health.Fail(Service, ex.Message);
                LogFailed(log, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass: reload, then per goal with a current model score and record the touched entities.</summary>
    public async Task RescoreAsync(IStateStore state, IReadOnlyList<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(touches);
        if (touches.Count == 0)
            return;
        var load = engine.Refresh();
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in touches)
        {
            accounts.Add(t.AccountId);
            if (t.UserId is { } u)
                users.Add(u);
        }
        var playbooks = PlaybookConfig.Parse(engine.Config);
        foreach (var goal in engine.Config.Goals)
        {
            var touched = goal.Entity == EntityKind.Account ? accounts : users;
            if (touched.Count == 0)
                continue;
            if (await state.CurrentModelAsync(goal.Name, cancellationToken).ConfigureAwait(false) is not { } model || !File.Exists(model.ArtifactPath))
                continue;
            metrics.ModelVersion.WithLabels(goal.Name, model.Version, model.Kind).Set(1);
            var pipeline = new ActPipeline(state, state, playbooks, TimeProvider.System, state);
            var previous = await state.LatestScoresAsync(goal.Name, cancellationToken).ConfigureAwait(false);
            var run = WorkspaceScorer.Score(engine.Config, load, goal, new ScoreOptions
            {
                ModelPath = model.ArtifactPath,
                Threads = 1,
                Entities = touched,
                ExplainOnly = rows => Firing(pipeline, goal.Name, rows, previous),
            });
            var rows = run.Rows;
            if (rows.Count == 0)
                continue;
            var plan = await pipeline.RecordAsync(run with { RunId = run.RunId + "-live-" + Guid.NewGuid().ToString("N")[..6], Rows = rows }, dryRun: false, s_actor, cancellationToken)
                .ConfigureAwait(false);
            metrics.EntitiesRescored.Inc(rows.Count);
            metrics.TriggersFired.Inc(plan.Fired.Count);
        }
        board.Invalidate();
        metrics.Rescorings.Inc();
        var now = Stopwatch.GetTimestamp();
        foreach (var t in touches)
            metrics.RescoreLatency.Observe(Stopwatch.GetElapsedTime(t.AcceptedTicks, now).TotalSeconds);
    }

    /// <summary>
    /// The entities whose triggers fire on these rows (drivers are computed for them only; the entity API explains the others when
    /// asked). Planned against the latest rows read just before; the recording plans again under the goal's lock.
    /// </summary>
    private static HashSet<string> Firing(ActPipeline pipeline, string goal, IReadOnlyList<EntityScore> rows, IReadOnlyDictionary<string, EntityScore> previous)
    {
        var probe = new ScoreRun("probe", goal, "", "", 0, 0, rows);
        return [.. pipeline.Plan(probe, previous).Fired.Select(f => f.Row.EntityId)];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "rescoring failed; the touched entities of this pass are rescored with the next events or schedule")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
