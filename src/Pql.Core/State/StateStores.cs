using Pql.Core.Workspace;

namespace Pql.Core.State;

/// <summary>Opens the state store a workspace is configured for.</summary>
public static class StateStores
{
    /// <summary>The embedded SQLite file <c>&lt;workspace&gt;/.pql/state.db</c> (the default).</summary>
    public static IStateStore Open(WorkspaceConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.State.Kind != StateKind.Sqlite)
            throw new PqlInputException($"{Path.GetFileName(config.ConfigPath)}: state kind '{config.State.Kind.ToString().ToLowerInvariant()}' is not available in this build yet; remove the state section to use the embedded SQLite file");
        Directory.CreateDirectory(config.StateDirectory);
        return SqliteStateStore.OpenWorkspace(config.StateDirectory, time);
    }
}
