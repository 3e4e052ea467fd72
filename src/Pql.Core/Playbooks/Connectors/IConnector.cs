using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>Delivers outbox actions to one configured system.</summary>
public interface IConnector
{
    string Name { get; }

    /// <summary>One attempt. Never throws for delivery problems: they come back as a <see cref="DeliveryResult"/>.</summary>
    Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken cancellationToken);
}
