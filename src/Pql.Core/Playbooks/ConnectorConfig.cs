namespace Pql.Core.Playbooks;

/// <summary>
/// A connector from the <c>connectors</c> section: its kind and raw settings. Values may hold <c>${ENV_VAR}</c> references,
/// which stay unresolved here and are resolved only at send time (<see cref="Connectors.SecretResolver"/>).
/// </summary>
public sealed record ConnectorConfig(string Name, string Kind, IReadOnlyDictionary<string, string> Settings);
