namespace Pql.Core.Playbooks;

/// <summary>What one dispatcher run did.</summary>
public sealed record DispatchReport(int Attempts, int Delivered, int Retried, int Dead, int Failed, int StillPending, int Deferred = 0);
