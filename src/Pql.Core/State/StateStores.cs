using Pql.Core.Workspace;

namespace Pql.Core.State;

/// <summary>Opens the state store a workspace is configured for.</summary>
public static class StateStores
{
    /// <summary>The embedded SQLite file <c>&lt;workspace&gt;/.pql/state.db</c> (the default).</summary>
    public static IStateStore Open(WorkspaceConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Directory.CreateDirectory(config.StateDirectory);
        return SqliteStateStore.OpenWorkspace(config.StateDirectory, time);
    }
}
