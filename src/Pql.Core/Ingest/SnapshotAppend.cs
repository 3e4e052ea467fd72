using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Appending a new file to an events glob loads only that file: when the snapshot's inputs are unchanged except for files of the
/// last events table that sort after all the files it already holds, only those files are parsed, into a builder seeded with the
/// snapshot's accounts and users and an event-id set seeded with its ids (<c>store.eventids</c>), so rows are deduplicated against
/// the loaded ones and rejected exactly as in a full load; the new events are merged by <see cref="StoreAppend"/>. That is the
/// store a full load builds, because a full load reads the same rows in the same order (the new files last). Anything else rebuilds:
/// a changed or removed file, a new file that sorts before a loaded one or in another table, events posted to pql serve (loaded
/// after the files), and new files that would change an entity (a new user, a creation time from first events).
/// </summary>
internal static class SnapshotAppend
{
    /// <summary>The appended load, or null with why it cannot append (null reason when there is no snapshot to append to).</summary>
    public static LoadResult? TryAppend(WorkspaceConfig config, LoadOptions options, string[] propertyKeys, LoadSnapshot.SnapshotKeys keys, out string? why)
    {
        why = null;
        var data = config.Data;
        if (data.Events.Count == 0 || !File.Exists(LoadSnapshot.PathOf(config)))
            return null;
        if (LoadSnapshot.OpenAny(LoadSnapshot.PathOf(config), out var problem) is not { } old)
            return Refuse(problem, out why);
        if (old.Base != keys.Base)
            return Refuse("inputs other than new files of the last events table changed", out why);
        var known = old.Tail.Count;
        if (known == 0 || known >= keys.Tail.Count || !old.Tail.SequenceEqual(keys.Tail.Take(known)))
            return Refuse("a file of the last events table changed, was removed, or a new one sorts before a loaded one", out why);
        if (IngestSegments.Events(config) is not null)
            return Refuse("events posted to pql serve load after the files", out why);
        if (data.Users?.Origin == TableOrigin.FromEvents || data.Accounts?.Origin == TableOrigin.FromUsers)
            return Refuse("accounts or users are made from the events", out why);
        if (old.Load.Report.LatencyMedianMs is not null)
            return Refuse("the events carry received_at, whose percentiles need every row", out why);
        if (old.Load.Report.Files.Any(f => f.Table == "metrics" && f.Rejected > 0))
            return Refuse("the rejects file lists the metrics tables' rejects after the events'", out why); // a full load keeps that order
        var ids = LoadSnapshot.OpenEventIds(LoadSnapshot.EventIdsPathOf(config), old.Key, out problem);
        if (ids is null)
            return Refuse($"the loaded event ids: {problem}", out why);

        var newFiles = keys.Tail.Skip(known).Select(t => t.Path).ToList();
        var store = old.Load.Store;
        var builder = AppendedEvents.Seeded(store);
        var report = new LoadReport();
        var rejects = new RejectLog(report);
        using (var events = new EventFileLoader(builder, config, report, rejects, propertyKeys)
        {
            Log = options.Log,
            Cancellation = options.CancellationToken,
            ParallelParse = options.ParallelParse,
            KeepEventIds = set => LoadSnapshot.SaveEventIds(LoadSnapshot.EventIdsPathOf(config), keys.Key, set),
        })
        {
            events.SeedEventIds(ids);
            Log.Progress(options.Log, $"appending {newFiles.Count} new file(s) of {data.Events[^1].Pattern}");
            events.Load(data.Events[^1] with { Paths = newFiles });
            events.Finish();
        }
        if (builder.AccountIds.Count != store.AccountCount || builder.UserIds.Count != store.UserCount || report.ImplicitUsers > 0)
            return Refuse("the new files add accounts or users", out why);
        if (report.LatencyMedianMs is not null)
            return Refuse("the new files carry received_at, whose percentiles need every row", out why);
        var later = builder.Build();
        if (AppendedEvents.TouchesFirstEventCreation(config, store, later))
            return Refuse("the new files move a creation time taken from first events", out why);
        return new LoadResult(StoreAppend.Append(store, later), Merge(config, old.Load.Report, report, rejects, newFiles.Count));
    }

    /// <summary>The snapshot's report with the new files' rows and rejects added; fails like a full load past the reject limit.</summary>
    private static LoadReport Merge(WorkspaceConfig config, LoadReport merged, LoadReport added, RejectLog rejects, int files)
    {
        // A full load reads the new files right after the loaded event files, before the metrics tables.
        var at = merged.Files.FindLastIndex(f => f.Table == "events") + 1;
        merged.Files.InsertRange(at, added.Files);
        foreach (var (reason, n) in added.RejectsByReason)
            merged.RejectsByReason[reason] = merged.RejectsByReason.GetValueOrDefault(reason) + n;
        merged.FromSnapshot = false;
        merged.Appended = true;
        merged.FilesParsed = files;
        if (rejects.Count > 0)
        {
            var path = Path.Combine(config.StateDirectory, WorkspaceLoader.RejectsFileName);
            rejects.AppendTo(path);
            merged.RejectsPath = path;
        }
        WorkspaceLoader.CheckRejectShare(config, merged, rejects);
        return merged;
    }

    private static LoadResult? Refuse(string? reason, out string? why)
    {
        why = reason;
        return null;
    }
}
