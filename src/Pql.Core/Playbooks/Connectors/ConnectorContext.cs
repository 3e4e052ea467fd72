namespace Pql.Core.Playbooks.Connectors;

/// <summary>What every connector shares: the HTTP client, the secret resolver, the clock and the workspace folder (for CSV paths).</summary>
public sealed record ConnectorContext(HttpClient Http, SecretResolver Secrets, TimeProvider Time, string WorkspaceDirectory);
