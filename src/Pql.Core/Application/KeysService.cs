using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>A key as <c>pql keys list</c> shows it: never the secret, only its first characters.</summary>
public sealed record KeyListing(string Name, string Role, string Prefix, bool Revoked);

/// <summary><c>pql keys</c>: the server's API keys in the workspace's state file (stored as hashes).</summary>
public static class KeysService
{
    /// <summary>Creates a key with role read, write or admin and returns its secret (shown once).</summary>
    public static async Task<string> CreateAsync(string workspace, string name, string role, Actor by, CancellationToken cancellationToken = default)
    {
        var parsed = SqliteApiKeys.ParseRole(role) ?? throw new PqlInputException($"--role: '{role}' is not read, write or admin");
        var config = ConfigLoader.Load(workspace);
        using var state = StateStores.Open(config);
        return await Audited(config, state).CreateKeyAsync(name, parsed, by, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes the active key of this name; an input error when there is none.</summary>
    public static async Task RevokeAsync(string workspace, string name, Actor by, CancellationToken cancellationToken = default)
    {
        var config = ConfigLoader.Load(workspace);
        using var state = StateStores.Open(config);
        if (!await Audited(config, state).RevokeKeyAsync(name, by, cancellationToken).ConfigureAwait(false))
            throw new PqlInputException($"--name: no active key named '{name}'");
    }

    public static async Task<IReadOnlyList<KeyListing>> ListAsync(string workspace, CancellationToken cancellationToken = default)
    {
        var all = await Open(workspace).KeysAsync(cancellationToken).ConfigureAwait(false);
        return [.. all.Select(k => new KeyListing(k.Name, SqliteApiKeys.RoleText(k.Role), k.Prefix, k.RevokedMs is not null))];
    }

    private static SqliteApiKeys Open(string workspace) => SqliteApiKeys.OpenWorkspace(ConfigLoader.Load(workspace).StateDirectory);

    /// <summary>
    /// The keys with their changes joining the workspace's audit chain: the state store is open (so a SQLite file has its audit table and
    /// the key entries chain there) and, when the state is PostgreSQL, the entries go to its chain.
    /// </summary>
    private static SqliteApiKeys Audited(WorkspaceConfig config, IStateStore state) =>
        SqliteApiKeys.OpenWorkspace(config.StateDirectory, stateAudit: state is SqliteStateStore ? null : state);
}
