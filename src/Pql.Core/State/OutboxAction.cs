namespace Pql.Core.State;

/// <summary>
/// One action to deliver to one connector. <see cref="ActionId"/> is also the idempotency key sent to the target.
/// <see cref="PayloadJson"/> holds the rendered play (entity, score, tier, message, routing) and never a secret:
/// connectors resolve their credentials at send time.
/// </summary>
public sealed record OutboxAction(
    string ActionId,
    string RunId,
    string Goal,
    string EntityId,
    string Trigger,
    string Playbook,
    string Connector,
    string Action,
    string PayloadJson,
    long CreatedMs)
{
    public OutboxStatus Status { get; init; } = OutboxStatus.Pending;
    public int Attempts { get; init; }
    public long NextAttemptMs { get; init; }
    public string? LastError { get; init; }
    public long? DeliveredMs { get; init; }
    /// <summary>When the first delivery attempt was made (null before it): lets a policy give up by time, not only by count.</summary>
    public long? FirstAttemptMs { get; init; }
    /// <summary>The dispatcher holding (or that last held) the action's lease.</summary>
    public string? LeaseOwner { get; init; }
    /// <summary>Until when <see cref="LeaseOwner"/> holds it; null when no lease is held.</summary>
    public long? LeaseUntilMs { get; init; }
}
