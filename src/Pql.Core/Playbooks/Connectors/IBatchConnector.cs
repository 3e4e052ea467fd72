using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// A connector whose system takes many records per call (Marketo leads, HubSpot batch inputs, Salesforce sObject collections).
/// The dispatcher hands it claimed actions of one action kind, at most <see cref="MaxBatch"/> at a time, and records each
/// action's own result, so one bad record does not fail its batch-mates.
/// </summary>
public interface IBatchConnector : IConnector
{
    /// <summary>How many actions of <paramref name="action"/> one call may carry; 1 when the kind is not batched.</summary>
    int MaxBatch(string action);

    /// <summary>One attempt for all of <paramref name="actions"/>: exactly one result per action, in the same order. Never throws for delivery problems.</summary>
    Task<IReadOnlyList<DeliveryResult>> SendBatchAsync(IReadOnlyList<OutboxAction> actions, CancellationToken cancellationToken);
}
