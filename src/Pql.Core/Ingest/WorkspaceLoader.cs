using System.Diagnostics;
using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Loads a workspace's accounts, users and events into an <see cref="EventStore"/>, with a report that accounts
/// for every row. Fails (one line naming the file) on an unreadable file, a missing required column, or a
/// rejected share above <c>data.max_reject_share</c>; otherwise writes rejected rows to the rejects file.
/// </summary>
public static class WorkspaceLoader
{
    public const string RejectsFileName = "rejects.csv";

    public static LoadResult Load(WorkspaceConfig config, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        var clock = Stopwatch.StartNew();
        CheckMemoryBudget(config, options);
        var keys = PropertyKeys(config, options);
        var snapshotPath = LoadSnapshot.PathOf(config);
        var unkeyed = options.Snapshot ? LoadSnapshot.Unkeyed(config) : null;
        if (unkeyed is not null)
            Log.Progress(options.Log, $"no load snapshot: {unkeyed}");
        var snapshotKeys = options.Snapshot && options.WriteRejects && unkeyed is null ? LoadSnapshot.Keys(config, keys) : null;
        if (snapshotKeys is not null)
        {
            if (LoadSnapshot.Open(snapshotPath, snapshotKeys.Key, out var problem) is { } opened)
            {
                opened.Report.LoadSeconds = clock.Elapsed.TotalSeconds;
                Log.Progress(options.Log, $"opened the load snapshot {snapshotPath}");
                return opened;
            }
            Log.Progress(options.Log, $"loading the files: {problem}");
            if (SnapshotAppend.TryAppend(config, options, keys, snapshotKeys, out var why) is { } appended)
            {
                Log.Progress(options.Log, "writing the load snapshot");
                LoadSnapshot.Save(snapshotPath, snapshotKeys, appended);
                appended.Report.LoadSeconds = clock.Elapsed.TotalSeconds;
                return appended;
            }
            if (why is not null)
                Log.Progress(options.Log, $"not appending: {why}");
        }
        var result = Parse(config, options, keys, snapshotKeys is null ? null : ids => LoadSnapshot.SaveEventIds(LoadSnapshot.EventIdsPathOf(config), snapshotKeys.Key, ids));
        if (snapshotKeys is not null)
        {
            Log.Progress(options.Log, "writing the load snapshot");
            LoadSnapshot.Save(snapshotPath, snapshotKeys, result);
        }
        result.Report.LoadSeconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>
    /// On the in-memory engine with <c>engine.memory_budget</c>, stops before reading any event when the estimated need
    /// (<see cref="LoadEstimate"/>) passes the budget. Other engines get the budget themselves (DuckDB's memory_limit).
    /// </summary>
    private static void CheckMemoryBudget(WorkspaceConfig config, LoadOptions options)
    {
        if (config.Engine is not { Kind: EngineKind.Memory, MemoryBudgetBytes: { } budget })
            return;
        var estimate = LoadEstimate.Of(config);
        Log.Progress(options.Log, FormattableString.Invariant($"estimated {estimate.EventRows:N0} event rows, {estimate.Bytes >> 20:N0} MB in memory (budget {budget >> 20:N0} MB)"));
        if (estimate.Refusal(config, budget) is { } refusal)
            throw new PqlInputException(refusal);
    }

    /// <summary>Fails with one line when the rejected share of the load passes <c>data.max_reject_share</c>.</summary>
    internal static void CheckRejectShare(WorkspaceConfig config, LoadReport report, RejectLog rejects)
    {
        var read = report.Read;
        if (read > 0 && (double)report.Rejected / read > config.Data.MaxRejectShare)
        {
            throw new DataLoadException(Path.GetFileName(config.ConfigPath), string.Create(CultureInfo.InvariantCulture,
                $"{report.Rejected:N0} of {read:N0} rows rejected ({100.0 * report.Rejected / read:F1}%), more than data.max_reject_share {100 * config.Data.MaxRejectShare:F1}%; first: {rejects.Samples.FirstOrDefault()}; all in {report.RejectsPath ?? "the rejects file"}"));
        }
    }

    private static LoadResult Parse(WorkspaceConfig config, LoadOptions options, string[] keys, Action<EventIdSet>? keepEventIds)
    {
        var clock = Stopwatch.StartNew();
        var report = new LoadReport();
        var rejects = new RejectLog(report);
        var builder = new EventStoreBuilder();
        var entities = new EntityFileLoader(builder, report, rejects) { Cancellation = options.CancellationToken };
        var data = config.Data;
        var stage = StageClock.Start();

        if (IngestSegments.Accounts(config) is { } postedAccounts)
            entities.LoadAccounts(postedAccounts);
        if (data.Accounts is { Origin: TableOrigin.Files } accounts)
        {
            Log.Progress(options.Log, "loading accounts");
            entities.LoadAccounts(accounts);
        }
        if (IngestSegments.Users(config) is { } postedUsers)
            entities.LoadUsers(postedUsers, data.Accounts?.Origin == TableOrigin.FromUsers);
        if (data.Users is { Origin: TableOrigin.Files } users)
        {
            Log.Progress(options.Log, "loading users");
            entities.LoadUsers(users, data.Accounts?.Origin == TableOrigin.FromUsers);
        }
        Log.Detail(options.Log, stage.Describe("accounts and users"));
        using var events = new EventFileLoader(builder, config, report, rejects, keys) { Log = options.Log, Cancellation = options.CancellationToken, ParallelParse = options.ParallelParse, KeepEventIds = keepEventIds };
        foreach (var source in data.Events)
        {
            Log.Progress(options.Log, $"loading events from {source.Pattern}");
            events.Load(source);
        }
        if (IngestSegments.Events(config) is { } posted)
        {
            Log.Progress(options.Log, "loading events received by pql serve");
            events.Load(posted);
        }
        stage = StageClock.Start();
        events.Finish();
        builder.DeriveCreatedFromFirstEvents();
        var metrics = new MetricFileLoader(builder, report, rejects) { Cancellation = options.CancellationToken };
        foreach (var source in data.Metrics)
        {
            Log.Progress(options.Log, $"loading metrics from {source.Pattern}");
            metrics.Load(source);
        }

        var rejectsPath = Path.Combine(config.StateDirectory, RejectsFileName);
        if (rejects.Count > 0 && options.WriteRejects)
        {
            rejects.WriteTo(rejectsPath);
            report.RejectsPath = rejectsPath;
        }
        else if (options.WriteRejects && File.Exists(rejectsPath))
        {
            File.Delete(rejectsPath); // a stale rejects file from an earlier load would mislead
        }
        CheckRejectShare(config, report, rejects);
        RequireEvents(data, report);
        Log.Detail(options.Log, stage.Describe("after the event files (metrics, rejects)"));
        Log.Progress(options.Log, "sorting events");
        stage = StageClock.Start();
        var store = builder.Build();
        Log.Detail(options.Log, stage.Describe("sorting events"));
        report.FilesParsed = report.Files.Count;
        report.LoadSeconds = clock.Elapsed.TotalSeconds;
        return new LoadResult(store, report);
    }

    /// <summary>
    /// Fails with one line when event files were given but no event was loaded: a header-only export would
    /// otherwise report the range 1970-01-01..1970-01-01 and train or score nobody without a word.
    /// </summary>
    private static void RequireEvents(DataConfig data, LoadReport report)
    {
        if (data.Events.Count == 0)
            return;
        var files = report.Files.Where(f => f.Table == "events").ToList();
        if (files.Sum(f => f.Loaded) > 0)
            return;
        var names = files.Count == 0 ? string.Join(", ", data.Events.Select(e => e.Pattern)) : string.Join(", ", files.Select(f => f.File));
        var read = files.Sum(f => f.Read);
        throw new DataLoadException(names, read == 0
            ? "no event rows (only a header): pql needs events to validate, train or score"
            : FormattableString.Invariant($"no event loaded: all {read:N0} rows were rejected, filtered or duplicates; see {report.RejectsPath ?? "the rejects file"}"));
    }

    /// <summary>Property keys to keep: those the goals filter on plus those requested (features).</summary>
    internal static string[] PropertyKeys(WorkspaceConfig config, LoadOptions options)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var goal in config.Goals)
        {
            keys.UnionWith(goal.Condition.PropertyKeys());
            keys.UnionWith(goal.EndsWhen?.PropertyKeys() ?? []);
        }
        keys.UnionWith(options.PropertyKeys);
        return [.. keys];
    }

}
