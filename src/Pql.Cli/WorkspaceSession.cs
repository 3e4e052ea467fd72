using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Cli;

/// <summary>A loaded workspace: its config, its data and its state store, as most commands need them.</summary>
internal sealed class WorkspaceSession : IDisposable
{
    private WorkspaceSession(WorkspaceConfig config, LoadResult load, SqliteStateStore state)
    {
        Config = config;
        Load = load;
        State = state;
    }

    public WorkspaceConfig Config { get; }
    public LoadResult Load { get; }
    public SqliteStateStore State { get; }

    public static WorkspaceSession Open(string directory, CliContext ctx)
    {
        var config = ConfigLoader.Load(directory);
        var load = WorkspaceLoader.Load(config, new LoadOptions
        {
            PropertyKeys = FeatureConfig.Parse(config).PropertyKeysNeeded,
            Progress = ctx.Progress,
        });
        ctx.Detail(load.Report.Summary());
        Directory.CreateDirectory(config.StateDirectory);
        return new WorkspaceSession(config, load, SqliteStateStore.OpenWorkspace(config.StateDirectory));
    }

    public void Dispose() => State.Dispose();
}
