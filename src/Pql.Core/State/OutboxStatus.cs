namespace Pql.Core.State;

/// <summary>Where an outbox action stands. Stored as lowercase text.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting for delivery (new, or retrying after a transient failure).</summary>
    Pending,
    /// <summary>The target system accepted it.</summary>
    Delivered,
    /// <summary>Retries exhausted or rejected as invalid; <c>pql outbox --retry-dead</c> puts it back.</summary>
    Dead,
    /// <summary>Stopped at once on an authentication or configuration failure (401/403, missing secret).</summary>
    Failed,
}

/// <summary>The lowercase text every state store keeps an <see cref="OutboxStatus"/> as.</summary>
internal static class OutboxStatusText
{
    public static string Of(OutboxStatus s) => s switch
    {
        OutboxStatus.Pending => "pending",
        OutboxStatus.Delivered => "delivered",
        OutboxStatus.Dead => "dead",
        _ => "failed",
    };

    public static OutboxStatus Parse(string s) => s switch
    {
        "pending" => OutboxStatus.Pending,
        "delivered" => OutboxStatus.Delivered,
        "dead" => OutboxStatus.Dead,
        "failed" => OutboxStatus.Failed,
        _ => throw new InvalidDataException($"unknown outbox status '{s}'"),
    };
}
