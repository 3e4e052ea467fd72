namespace Pql.Core.Playbooks;

/// <summary>How the outbox dispatcher retries. Defaults: 8 attempts, 2 s base delay doubling to at most 10 min, seed 42.</summary>
public sealed record DispatchOptions
{
    /// <summary>Attempts before an action is dead-lettered. Default 8.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>Delay after the first failure; doubles per attempt, with jitter in [d/2, d]. Default 2 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Cap on the computed backoff (a server's Retry-After is honoured even when longer). Default 10 min.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Seed of the jitter. Default 42.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Actions read per batch. Default 64.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>How long the dispatcher waits for retries that are not due yet before it returns. Default 2 min.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// A transient failure this long after an action's first attempt makes it dead, whatever the attempt count (null: count only).
    /// Default 24 h. Quota deferrals and credential waits spend no attempt but do not stop this clock.
    /// </summary>
    public TimeSpan? GiveUpAfter { get; init; } = TimeSpan.FromHours(24);
    /// <summary>
    /// How long a claimed batch stays leased to this dispatcher. Longer than a batch takes to send (the connectors' timeouts),
    /// short enough that a crashed dispatcher's rows come back soon. Default 5 min.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), "must be at least 1");
        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), "needs 0 < BaseDelay <= MaxDelay");
        if (LeaseDuration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), "must be positive");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), "must be at least 1");
    }
}
