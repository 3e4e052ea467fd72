namespace Pql.Core.Playbooks.Connectors;

/// <summary>How a delivery attempt ended, as the dispatcher needs to know it.</summary>
public enum DeliveryOutcome
{
    /// <summary>Accepted by the target (or already applied: an idempotent replay).</summary>
    Delivered,
    /// <summary>Transient: rate limited, timed out, 5xx. Try again later.</summary>
    Retry,
    /// <summary>Credentials rejected (401/403) or missing: stop now, do not retry.</summary>
    AuthFailed,
    /// <summary>The target refused this action as invalid (4xx): retrying the same request cannot help.</summary>
    Rejected,
    /// <summary>Not sent: the target's quota is used up. Postpone to <see cref="DeliveryResult.RetryAfter"/> without spending an attempt.</summary>
    Deferred,
}

/// <summary>The outcome of one attempt; <see cref="Detail"/> never holds a secret; <see cref="RetryAfter"/> is the server's wait, when it said one.</summary>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string Detail, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Ok(string detail) => new(DeliveryOutcome.Delivered, detail);
}
