namespace Pql.Core.Playbooks;

/// <summary>
/// What one dispatcher run did. <see cref="Deferred"/>: postponed to a quota reset; <see cref="WaitingOnCredentials"/>: held back
/// because their connector's credentials failed (the connector is paused). Neither spends an attempt.
/// </summary>
public sealed record DispatchReport(int Attempts, int Delivered, int Retried, int Dead, int Failed, int StillPending, int Deferred = 0, int WaitingOnCredentials = 0);
