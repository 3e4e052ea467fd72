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

    public void Validate()
    {
        if (MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), "must be at least 1");
        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), "needs 0 < BaseDelay <= MaxDelay");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), "must be at least 1");
    }
}
