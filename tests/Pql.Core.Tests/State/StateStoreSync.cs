using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Core.Tests.State;

/// <summary>
/// Blocking shorthands over the async state interfaces for tests that arrange or inspect state around the code under test
/// (SQLite completes synchronously, so nothing waits on another thread). The contract tests call the async members themselves.
/// </summary>
internal static class StateStoreSync
{
    public static readonly Actor Tester = Actor.System("test");

    public static void SaveScoreRun(this IScoreHistory history, ScoreRun run, IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions) =>
        history.RecordRunAsync(run.Goal, _ => new RunRecording(run, firings, actions), Tester).GetAwaiter().GetResult();

    public static IReadOnlyList<RunSummary> Runs(this IScoreHistory history, string goal) => history.RunsAsync(goal).GetAwaiter().GetResult();

    public static ScoreRun? LoadRun(this IScoreHistory history, string runId) => history.LoadRunAsync(runId).GetAwaiter().GetResult();

    public static IReadOnlyDictionary<string, EntityScore> LatestScores(this IScoreHistory history, string goal) =>
        history.LatestScoresAsync(goal).GetAwaiter().GetResult();

    public static void RegisterModel(this IModelRegistry registry, ModelRecord model) =>
        registry.RegisterModelAsync(model, Tester).GetAwaiter().GetResult();

    public static IReadOnlyList<ModelRecord> Models(this IModelRegistry registry, string goal) => registry.ModelsAsync(goal).GetAwaiter().GetResult();

    public static IReadOnlyList<TriggerFiring> TriggerLog(this ITriggerLog log, string goal, string? runId = null) =>
        log.TriggerLogAsync(goal, runId).GetAwaiter().GetResult();

    public static IReadOnlyList<AuditEntry> Audit(this IAuditLog log, int limit = 100) => log.AuditAsync(limit).GetAwaiter().GetResult();

    public static IReadOnlyList<OutboxAction> Outbox(this IOutbox outbox, OutboxStatus? status = null, int limit = int.MaxValue) =>
        outbox.OutboxAsync(status, limit).GetAwaiter().GetResult();

    public static IReadOnlyDictionary<OutboxStatus, int> OutboxCounts(this IOutbox outbox) => outbox.OutboxCountsAsync().GetAwaiter().GetResult();

    public static int RetryDead(this IOutbox outbox, long nowMs) => outbox.RetryDeadAsync(nowMs, Tester).GetAwaiter().GetResult();
}
