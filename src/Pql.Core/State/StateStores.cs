using Pql.Core.Workspace;

namespace Pql.Core.State;

/// <summary>Opens the state store a workspace is configured for (<c>state:</c> in pql.yaml).</summary>
public static class StateStores
{
    /// <summary>The PostgreSQL schema a workspace's state lives in.</summary>
    public const string PostgresSchema = "pql";

    /// <summary>
    /// The embedded SQLite file <c>&lt;workspace&gt;/.pql/state.db</c> (the default), or schema <see cref="PostgresSchema"/> of the
    /// PostgreSQL database named by <c>state: { kind: postgres, connection_env: VAR }</c>, its connection string read from the variable.
    /// </summary>
    public static IStateStore Open(WorkspaceConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Directory.CreateDirectory(config.StateDirectory);
        if (config.State.Kind == StateKind.Sqlite)
            return SqliteStateStore.OpenWorkspace(config.StateDirectory, time);
        var env = config.State.ConnectionEnv!;
        var connection = Environment.GetEnvironmentVariable(env);
        if (string.IsNullOrEmpty(connection))
            throw new PqlInputException($"{Path.GetFileName(config.ConfigPath)} key 'state.connection_env': environment variable {env} is not set (it must hold the PostgreSQL connection string)");
        return PostgresStateStore.OpenAsync(connection, PostgresSchema, time).GetAwaiter().GetResult();
    }
}
