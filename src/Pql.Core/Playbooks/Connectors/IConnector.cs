using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>Delivers outbox actions to one configured system.</summary>
public interface IConnector
{
    string Name { get; }

    /// <summary>One attempt. Never throws for delivery problems: they come back as a <see cref="DeliveryResult"/>.</summary>
    Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken cancellationToken);

    /// <summary>
    /// A short hash of the connector's configuration as it would be used now (settings with their secrets resolved). A connector
    /// paused on a credentials failure is resumed when this changes: the operator fixed the config or the secret.
    /// </summary>
    string Fingerprint() => "";
}
