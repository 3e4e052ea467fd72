using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Labels;
using Pql.Core.Learning.Evaluation;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>Another tool's scores to measure beside the engine; <c>{at}</c> in the path becomes the window's T (yyyy-MM-dd).</summary>
public sealed record CompareSource(string Name, string Path);

/// <summary>Options of <see cref="Backtester.Run"/>.</summary>
public sealed record BacktestOptions
{
    /// <summary>The (latest) time to score at; default the latest event minus the horizon, floored to a UTC day.</summary>
    public long? AtMs { get; init; }

    /// <summary>Windows: T, T − step, T − 2·step, ... (reported oldest first).</summary>
    public int Windows { get; init; } = 1;

    /// <summary>Step between windows; default training.step, else 7 days.</summary>
    public long? StepMs { get; init; }

    public IReadOnlyList<CompareSource> Compare { get; init; } = [];

    /// <summary>Bootstrap resamples per figure.</summary>
    public int Rounds { get; init; } = BootstrapMetrics.DefaultRounds;

    public int Threads { get; init; }

    /// <summary>Where progress goes, as <c>Progress</c> log events; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
}

/// <summary>One candidate's measured outcomes in one window, and its paired difference from the engine's kept model.</summary>
public sealed record BacktestCandidate(string Name, bool Engine, bool Kept, OutcomeMetrics Metrics, int Missing,
    Interval RocAucVsKept, Interval PrAucVsKept);

/// <summary>One backtest window: scored at <see cref="At"/>, measured against (At, At + horizon].</summary>
public sealed record BacktestWindow(long At, int TrainRows, int TrainPositives, int Features, IReadOnlyList<BacktestCandidate> Candidates);

/// <summary>Mean and spread (sample standard deviation) of one candidate's figures over the windows.</summary>
public sealed record CandidateSummary(string Name, int Windows, double RocAucMean, double RocAucSd, double PrAucMean, double PrAucSd,
    double LiftMean, double LiftSd, double BrierMean, double BrierSd);

public sealed record BacktestReport(string Goal, long HorizonMs, IReadOnlyList<BacktestWindow> Windows, IReadOnlyList<CandidateSummary> Summary);

/// <summary>
/// Measures the engine the way a team would before trusting it: at each T, train with only the data a model at T could
/// have seen (training cutoffs end by T − horizon, so every training label is known at T), score the entities eligible at
/// T, and compare with what happened in (T, T + horizon]. Every engine candidate and every compared score file is
/// measured on the same rows with the same bootstrap resamples, so the intervals and differences are paired.
/// </summary>
public static class Backtester
{
    private const long Day = 86_400_000L;

    public static BacktestReport Run(WorkspaceConfig config, EventStore store, GoalDefinition goal, BacktestOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Windows is < 1 or > 52)
            throw new PqlInputException($"--windows: {options.Windows} must be between 1 and 52");
        var last = options.AtMs ?? Math.DivRem(store.MaxTime - goal.HorizonMs, Day).Quotient * Day;
        if (last + goal.HorizonMs > store.MaxTime)
            throw new PqlInputException(string.Create(CultureInfo.InvariantCulture,
                $"--at: {Timestamps.Format(last)} plus the {Duration.Format(goal.HorizonMs)} horizon is after the latest event ({Timestamps.Format(store.MaxTime)}), so the outcomes are not known yet; use --at {Timestamps.Format(store.MaxTime - goal.HorizonMs)} or earlier"));
        var step = options.StepMs ?? config.Training.StepMs ?? 7 * Day;
        var windows = new List<BacktestWindow>();
        for (var k = options.Windows - 1; k >= 0; k--)
        {
            cancel.ThrowIfCancellationRequested();
            windows.Add(Window(config, store, goal, last - k * step, options));
        }
        return new BacktestReport(goal.Name, goal.HorizonMs, windows, Summarise(windows));
    }

    private static BacktestWindow Window(WorkspaceConfig config, EventStore store, GoalDefinition goal, long at, BacktestOptions options)
    {
        var when = Timestamps.Format(at);
        Log.Progress(options.Log, $"{goal.Name}: backtest at {when}: training with data up to {when}");
        var fit = GoalTrainer.Fit(config, store, goal, at, new TrainOptions { AsOfMs = at, Threads = options.Threads, Log = options.Log });

        var labeler = new GoalLabeler(store, goal);
        var entities = labeler.EligibleAt(at);
        var labels = new byte[entities.Length];
        for (var i = 0; i < entities.Length; i++)
            labels[i] = labeler.Label(entities[i], at);
        var cutoffs = new long[entities.Length];
        Array.Fill(cutoffs, at);
        Log.Progress(options.Log, string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: scoring {entities.Length:N0} eligible at {when}"));
        var matrix = new FeatureEngine(store, FeatureConfig.Parse(config), config).Build(goal.Entity, entities, cutoffs);
        var attributes = new IReadOnlyDictionary<string, string>?[entities.Length];
        for (var i = 0; i < entities.Length; i++)
            attributes[i] = EntityAttributes.Of(store, goal.Entity, entities[i]);
        var policy = TierPolicy.Parse(config, goal.Name);

        var scored = new List<(string Name, bool Engine, bool Kept, BootstrapTable Table, int Missing)>();
        foreach (var c in fit.Result.Candidates)
        {
            c.Model.Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
            var p = c.Model.PredictProbability(matrix);
            var tiers = policy.Assign(p, attributes);
            scored.Add((c.Kind, true, ReferenceEquals(c.Model, fit.Result.Best), BootstrapMetrics.Rounds(p, labels, tiers, options.Rounds, config.Training.Seed, policy.TierNames), 0));
        }
        var ids = goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        foreach (var source in options.Compare)
        {
            var path = source.Path.Replace("{at}", DateTimeOffset.FromUnixTimeMilliseconds(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var file = ScoreFileReader.Read(path);
            var (p, tiers, missing) = Align(file, ids, entities);
            scored.Add((source.Name, false, false, BootstrapMetrics.Rounds(p, labels, tiers, options.Rounds, config.Training.Seed, null), missing));
        }

        var kept = scored.Find(s => s.Kept).Table;
        var candidates = scored.ConvertAll(s => new BacktestCandidate(s.Name, s.Engine, s.Kept, s.Table.Summarise(), s.Missing,
            BootstrapTable.Difference(s.Table.RocAuc, kept.RocAuc), BootstrapTable.Difference(s.Table.PrAuc, kept.PrAuc)));
        return new BacktestWindow(at, fit.FittedRows, fit.FittedPositives, fit.FeatureCount, candidates);
    }

    /// <summary>
    /// The compared file's scores for the engine's eligible entities. An eligible entity the file does not score
    /// ranks last (score 0, tier "(missing)") and is counted, so a tool cannot look better by skipping hard rows.
    /// </summary>
    private static (double[] Scores, string[] Tiers, int Missing) Align(IReadOnlyDictionary<string, ScoreFileRow> file, StringPool ids, int[] entities)
    {
        var p = new double[entities.Length];
        var tiers = new string[entities.Length];
        var missing = 0;
        for (var i = 0; i < entities.Length; i++)
        {
            if (file.TryGetValue(ids[entities[i]], out var row))
            {
                p[i] = row.Score;
                tiers[i] = row.Tier.Length > 0 ? row.Tier : "(none)";
            }
            else
            {
                tiers[i] = "(missing)";
                missing++;
            }
        }
        return (p, tiers, missing);
    }

    private static List<CandidateSummary> Summarise(List<BacktestWindow> windows)
    {
        var result = new List<CandidateSummary>();
        foreach (var name in windows[0].Candidates.Select(c => c.Name))
        {
            var ms = windows.Select(w => w.Candidates.First(c => c.Name == name).Metrics).ToArray();
            var (rm, rs) = MeanSd(ms.Select(m => m.RocAuc.Estimate));
            var (pm, ps) = MeanSd(ms.Select(m => m.PrAuc.Estimate));
            var (lm, ls) = MeanSd(ms.Select(m => m.LiftTopDecile.Estimate));
            var (bm, bs) = MeanSd(ms.Select(m => m.Brier.Estimate));
            result.Add(new CandidateSummary(name, ms.Length, rm, rs, pm, ps, lm, ls, bm, bs));
        }
        return result;
    }

    private static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        var mean = v.Average();
        if (v.Length < 2)
            return (mean, double.NaN);
        var ss = v.Sum(x => (x - mean) * (x - mean));
        return (mean, Math.Sqrt(ss / (v.Length - 1)));
    }
}
