using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>What to backtest: a workspace, one goal, the windows and the score files to compare with.</summary>
public sealed record BacktestRequest
{
    public required string Workspace { get; init; }
    public required string Goal { get; init; }
    public BacktestOptions Options { get; init; } = new();
}

/// <summary>The workspace's load summary and the backtest report.</summary>
public sealed record BacktestResult(string LoadSummary, BacktestReport Report);

/// <summary><c>pql backtest</c>: load the workspace, then measure the engine (and other tools' scores) at past times.</summary>
public static class BacktestService
{
    public static Task<BacktestResult> BacktestAsync(BacktestRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.Run(() =>
        {
            var config = ConfigLoader.Load(request.Workspace);
            var goal = config.Goal(request.Goal);
            var load = WorkspaceLoader.Load(config, new LoadOptions
            {
                PropertyKeys = FeatureConfig.Parse(config).PropertyKeysNeeded,
                Log = request.Options.Log,
            });
            cancel.ThrowIfCancellationRequested();
            var report = Backtester.Run(config, load.Store, goal, request.Options, cancel);
            return new BacktestResult(load.Report.Summary(), report);
        }, cancel);
    }
}
