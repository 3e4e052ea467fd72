using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>An opened workspace: its config, its data (when loaded) and its state store, as the use cases need them.</summary>
public sealed class WorkspaceSession : IDisposable
{
    private readonly LoadResult? _load;

    private WorkspaceSession(WorkspaceConfig config, LoadResult? load, IStateStore state)
    {
        Config = config;
        _load = load;
        State = state;
    }

    public WorkspaceConfig Config { get; }

    /// <summary>The loaded events and entities; only for sessions opened with data.</summary>
    public LoadResult Load => _load ?? throw new InvalidOperationException("this session was opened without loading the workspace's data");

    public IStateStore State { get; }

    /// <summary>
    /// Reads pql.yaml, loads the data (unless <paramref name="loadData"/> is false) and opens the state store. An explicit
    /// <paramref name="asOfMs"/> is checked against the loaded events (<see cref="AsOfRange"/>): before the first event is an
    /// input error, long after the last a warning to <paramref name="log"/>, which also gets the load's progress and its row
    /// accounting (a detail line).
    /// </summary>
    public static WorkspaceSession Open(string directory, bool loadData = true, ILogger? log = null, long? asOfMs = null)
    {
        log ??= NullLogger.Instance;
        var config = ConfigLoader.Load(directory);
        LoadResult? load = null;
        if (loadData)
        {
            load = WorkspaceLoader.Load(config, new LoadOptions
            {
                PropertyKeys = FeatureConfig.Parse(config).PropertyKeysNeeded,
                Log = log,
            });
            Application.Log.Detail(log, load.Report.Summary());
            if (asOfMs is { } t && AsOfRange.Check(load.Store, t) is { } warning)
                Application.Log.Warning(log, warning);
        }
        return new WorkspaceSession(config, load, StateStores.Open(config));
    }

    /// <summary>Records a <c>config_changed</c> audit entry when pql.yaml differs from the last audited one (<see cref="ConfigAudit"/>).
    /// Every command that acts on the workspace calls it once after opening.</summary>
    public Task<AuditEntry?> AuditConfigAsync(Actor by, CancellationToken cancellationToken = default) =>
        ConfigAudit.RecordIfChangedAsync(Config, State, by, cancellationToken: cancellationToken);

    public void Dispose() => State.Dispose();
}
