namespace Pql.Core.State;

/// <summary>
/// The action outbox. Any number of dispatchers may deliver at once: each claims due actions under a lease (an owner and an expiry);
/// only the lease holder may complete, defer or reschedule an action; a lease that expires (a crashed dispatcher) makes the action
/// claimable again. Actions of a paused connector stay pending and are not claimed.
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Leases up to <paramref name="limit"/> pending actions due at <paramref name="nowMs"/> whose lease is free or expired and whose
    /// connector is not paused, to <paramref name="owner"/> until <c>nowMs + leaseDuration</c>; oldest due first.
    /// </summary>
    Task<IReadOnlyList<OutboxAction>> ClaimDueAsync(string owner, long nowMs, TimeSpan leaseDuration, int limit, CancellationToken cancellationToken = default);

    /// <summary>The earliest time a pending action of an unpaused connector becomes claimable (due and unleased), or null when none.</summary>
    Task<long?> NextClaimableMsAsync(CancellationToken cancellationToken = default);

    /// <summary>Delivered: returns false (and changes nothing) when <paramref name="owner"/> no longer holds the lease.</summary>
    Task<bool> MarkDeliveredAsync(string actionId, string owner, int attempts, long nowMs, CancellationToken cancellationToken = default);

    /// <summary>A transient failure: try again at <paramref name="nextAttemptMs"/>. Lease holder only.</summary>
    Task<bool> MarkRetryAsync(string actionId, string owner, int attempts, long nextAttemptMs, string problem, CancellationToken cancellationToken = default);

    /// <summary>Given up (retries exhausted or rejected as invalid). Lease holder only.</summary>
    Task<bool> MarkDeadAsync(string actionId, string owner, int attempts, string problem, CancellationToken cancellationToken = default);

    /// <summary>Stopped on an authentication or configuration failure. Lease holder only.</summary>
    Task<bool> MarkFailedAsync(string actionId, string owner, int attempts, string reason, CancellationToken cancellationToken = default);

    /// <summary>Postpones an action to <paramref name="untilMs"/> without spending an attempt (a vendor quota is used up). Lease holder only.</summary>
    Task<bool> DeferAsync(string actionId, string owner, long untilMs, string reason, CancellationToken cancellationToken = default);

    /// <summary>Holds back a connector's actions until it is resumed; recorded with who and why. Pausing a paused connector updates the reason.</summary>
    Task PauseConnectorAsync(string connector, string reason, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Lets a paused connector's actions be claimed again; returns false when it was not paused.</summary>
    Task<bool> ResumeConnectorAsync(string connector, Actor actor, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PausedConnector>> PausedConnectorsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts dead and failed actions back to pending with a fresh attempt count, due at <paramref name="nowMs"/>, and resumes every paused
    /// connector (after fixing a token or a mapping both are what the operator means). Returns how many actions went back.
    /// </summary>
    Task<int> RetryDeadAsync(long nowMs, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Actions by status (all when null), oldest first.</summary>
    Task<IReadOnlyList<OutboxAction>> OutboxAsync(OutboxStatus? status = null, int limit = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Counts per status (every status present, zero when none).</summary>
    Task<IReadOnlyDictionary<OutboxStatus, int>> OutboxCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores firings of goal-level triggers (a drift check, not a scoring run) with the actions they queue, and an audit entry, in one
    /// transaction. An action id already queued is an error, so the same check is never queued twice.
    /// </summary>
    Task QueueGoalFiringsAsync(IReadOnlyList<TriggerFiring> firings, IReadOnlyList<OutboxAction> actions, Actor actor, CancellationToken cancellationToken = default);
}
