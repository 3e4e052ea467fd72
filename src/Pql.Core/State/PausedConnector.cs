namespace Pql.Core.State;

/// <summary>A connector whose actions the outbox holds back: who paused it, when and why.</summary>
public sealed record PausedConnector(string Connector, string Reason, Actor PausedBy, long PausedMs);
