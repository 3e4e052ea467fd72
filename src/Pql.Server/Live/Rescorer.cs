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
    private readonly Dictionary<string, LiveGoal> _goals = new(StringComparer.Ordinal);
    private PlaybookConfig? _playbooks;

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

    /// <summary>
    /// One pass: bring the store up to date, then per goal with a current model score and record the touched entities. The
    /// per-goal state (<see cref="LiveGoal"/>) keeps the parsed model and the latest rows across passes, so nothing here reads or
    /// parses in proportion to the goal's history; the features and the labels are the batch engine's, computed from the store.
    /// </summary>
    public async Task RescoreAsync(IStateStore state, IReadOnlyList<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(touches);
        if (touches.Count == 0)
            return;
        var pass = Stopwatch.StartNew();
        var generation = engine.LoadGeneration;
        var load = engine.Refresh();
        if (engine.LoadGeneration != generation)
        {
            // A full load follows entity upserts and schedules, whose runs this process did not record through the live state.
            foreach (var live in _goals.Values)
                live.Stale();
        }
        var refreshed = pass.Elapsed;
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in touches)
        {
            accounts.Add(t.AccountId);
            if (t.UserId is { } u)
                users.Add(u);
        }
        _playbooks ??= PlaybookConfig.Parse(engine.Config); // the server's config is read once, on start
        foreach (var goal in engine.Config.Goals)
        {
            var touched = goal.Entity == EntityKind.Account ? accounts : users;
            if (touched.Count == 0)
                continue;
            if (await state.CurrentModelAsync(goal.Name, cancellationToken).ConfigureAwait(false) is not { } model || !File.Exists(model.ArtifactPath))
                continue;
            await RescoreGoalAsync(state, load, goal, model, touched, cancellationToken).ConfigureAwait(false);
        }
        board.Invalidate();
        metrics.Rescorings.Inc();
        var now = Stopwatch.GetTimestamp();
        foreach (var t in touches)
            metrics.RescoreLatency.Observe(Stopwatch.GetElapsedTime(t.AcceptedTicks, now).TotalSeconds);
        LogPass(log, touches.Count, load.Store.EventCount, refreshed.TotalMilliseconds, pass.Elapsed.TotalMilliseconds);
    }

    private async Task RescoreGoalAsync(IStateStore state, Pql.Core.Ingest.LoadResult load, GoalDefinition goal, ModelRecord model, HashSet<string> touched,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.ModelVersion.WithLabels(goal.Name, model.Version, model.Kind).Set(1);
        var live = _goals.TryGetValue(goal.Name, out var known) ? known : _goals[goal.Name] = new LiveGoal(goal.Name);
        var pipeline = new ActPipeline(state, state, _playbooks!, TimeProvider.System, state);
        var previous = await live.LatestAsync(state, cancellationToken).ConfigureAwait(false);
        var explained = new HashSet<string>(StringComparer.Ordinal);
        var run = WorkspaceScorer.Score(engine.Config, load, goal, new ScoreOptions
        {
            ModelPath = model.ArtifactPath,
            Model = live.ModelOf(model.Version, model.ArtifactPath),
            Threads = 0, // every core: a burst of firings is explained (TreeSHAP) in parallel, the costly part of a pass
            Entities = touched,
            ExplainOnly = rows =>
            {
                explained.UnionWith(Firing(pipeline, goal.Name, rows, previous));
                return explained;
            },
        });
        var scored = Stopwatch.GetTimestamp();
        if (run.Rows.Count == 0)
            return;
        var plan = await pipeline.RecordEntitiesAsync(run with { RunId = run.RunId + "-live-" + Guid.NewGuid().ToString("N")[..6] }, s_actor, cancellationToken)
            .ConfigureAwait(false);
        live.Recorded(plan.Run.Rows);
        if (plan.Fired.Any(f => !explained.Contains(f.Row.EntityId)))
            live.Stale(); // the stored rows differed from the kept ones: another writer recorded since
        metrics.EntitiesRescored.Inc(run.Rows.Count);
        metrics.TriggersFired.Inc(plan.Fired.Count);
        LogGoal(log, goal.Name, run.Rows.Count, explained.Count, Stopwatch.GetElapsedTime(started, scored).TotalMilliseconds,
            Stopwatch.GetElapsedTime(scored).TotalMilliseconds);
    }

    /// <summary>
    /// The entities whose triggers fire on these rows (drivers are computed for them only; the entity API explains the others when
    /// asked). Planned against the kept latest rows; the recording plans again under the goal's lock.
    /// </summary>
    private static IEnumerable<string> Firing(ActPipeline pipeline, string goal, IReadOnlyList<EntityScore> rows, IReadOnlyDictionary<string, EntityScore> previous)
    {
        var probe = new ScoreRun("probe", goal, "", "", 0, 0, rows);
        return pipeline.Plan(probe, previous).Fired.Select(f => f.Row.EntityId);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "rescoring pass: {Touches} touches, {Events} events in the store, refresh {RefreshMs:F0} ms, total {TotalMs:F0} ms")]
    private static partial void LogPass(ILogger logger, int touches, int events, double refreshMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "rescoring {Goal}: {Rows} rows, {Explained} explained, scored in {ScoreMs:F0} ms, recorded in {RecordMs:F0} ms")]
    private static partial void LogGoal(ILogger logger, string goal, int rows, int explained, double scoreMs, double recordMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "rescoring failed; the touched entities of this pass are rescored with the next events or schedule")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
