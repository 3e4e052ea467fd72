namespace Pql.Core.State;

/// <summary>A trained version waiting for a second person's approval before it becomes current, and why it waits.</summary>
public sealed record PendingPromotion(string Goal, string Version, string RequestedBy, string Reason, long RequestedMs);
