namespace Pql.Core.State;

/// <summary>
/// The engine's durable state: score history, model registry, trigger log, outbox and audit trail.
/// The embedded implementation is <see cref="SqliteStateStore"/>; a PostgreSQL one satisfies the same contract.
/// </summary>
public interface IStateStore : IDisposable
{
    /// <summary>Writes the run, its trigger firings and their outbox actions in ONE transaction: all or nothing.</summary>
    void SaveScoreRun(ScoreRun run, IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions);

    /// <summary>Runs of a goal, oldest first.</summary>
    IReadOnlyList<RunSummary> Runs(string goal);

    /// <summary>A stored run with its rows, or null.</summary>
    ScoreRun? LoadRun(string runId);

    /// <summary>For each entity ever scored for the goal, its row from the latest run that scored it.</summary>
    IReadOnlyDictionary<string, EntityScore> LatestScores(string goal);

    void RegisterModel(ModelRecord model);

    IReadOnlyList<ModelRecord> Models(string goal);

    IReadOnlyList<TriggerFiring> TriggerLog(string goal, string? runId = null);

    void AppendAudit(AuditEntry entry);

    IReadOnlyList<AuditEntry> Audit(int limit = 100);

    /// <summary>Pending actions due at or before <paramref name="nowMs"/>, oldest first.</summary>
    IReadOnlyList<OutboxAction> DueActions(long nowMs, int limit);

    /// <summary>The earliest next-attempt time among pending actions, or null when none is pending.</summary>
    long? NextPendingMs();

    /// <summary>Actions by status (all when null), oldest first.</summary>
    IReadOnlyList<OutboxAction> Outbox(OutboxStatus? status = null, int limit = int.MaxValue);

    /// <summary>Counts per status.</summary>
    IReadOnlyDictionary<OutboxStatus, int> OutboxCounts();

    void MarkDelivered(string actionId, int attempts, long nowMs);

    void MarkRetry(string actionId, int attempts, long nextAttemptMs, string problem);

    void MarkDead(string actionId, int attempts, string problem);

    void MarkFailed(string actionId, int attempts, string reason);

    /// <summary>Puts dead and failed actions back to pending with a fresh attempt count; returns how many.</summary>
    int RetryDead(long nowMs);
}
