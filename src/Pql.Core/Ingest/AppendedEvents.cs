using System.Text;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Adds events received since a load (NDJSON lines in the ingest segments' shape) to that load's store without reading the
/// workspace again: the lines go through the loader's own event parser into a builder seeded with the loaded accounts and users,
/// and the result is appended by <see cref="StoreAppend"/>. The store equals what a full load of the workspace would build, so
/// features computed from it equal the batch engine's. When the lines would change an entity (a user the store lacks, a
/// creation time taken from first events) or a line is rejected (an account posted since the load) the answer is null and the caller loads the workspace in full.
/// </summary>
public static class AppendedEvents
{
    public static LoadResult? Append(WorkspaceConfig config, LoadResult loaded, IReadOnlyList<string> lines, IReadOnlyList<string> propertyKeys)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
            return loaded;
        if (config.Data.Users?.Origin == TableOrigin.FromEvents || config.Data.Accounts?.Origin == TableOrigin.FromUsers)
            return null; // entities are made from events there
        var store = loaded.Store;
        var builder = Seeded(store);
        var report = new LoadReport();
        var keys = WorkspaceLoader.PropertyKeys(config, new LoadOptions { PropertyKeys = propertyKeys });
        var events = new EventFileLoader(builder, config, report, new RejectLog(report), keys);
        using (var rows = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines))))
            events.LoadNdjson(rows, "posted events", IngestSegments.PostedEvents());
        events.Finish();
        if (report.Rejected > 0 || builder.AccountIds.Count != store.AccountCount || builder.UserIds.Count != store.UserCount)
            return null;
        var later = builder.Build();
        if (TouchesFirstEventCreation(config, store, later))
            return null;
        return new LoadResult(StoreAppend.Append(store, later), loaded.Report);
    }

    /// <summary>A builder that knows the store's accounts and users under the same codes.</summary>
    internal static EventStoreBuilder Seeded(EventStore store)
    {
        var builder = new EventStoreBuilder();
        for (var a = 0; a < store.AccountCount; a++)
            builder.AddAccount(store.AccountIds[a], store.AccountCreatedAt[a]);
        for (var u = 0; u < store.UserCount; u++)
            builder.AddUser(store.UserIds[u], store.UserAccount[u], store.UserCreatedAt[u]);
        return builder;
    }

    /// <summary>
    /// True when a new event would move a creation time the load took from first events (<c>created_at: first_event</c>): an
    /// entity still waiting for its first event, or one that gets an event earlier than its first.
    /// </summary>
    internal static bool TouchesFirstEventCreation(WorkspaceConfig config, EventStore store, EventStore later)
    {
        var accounts = config.Data.Accounts?.CreatedAt?.FromFirstEvent == true;
        var users = config.Data.Users?.CreatedAt?.FromFirstEvent == true;
        if (!accounts && !users)
            return false;
        for (var e = 0; e < later.EventCount; e++)
        {
            var t = later.EventTime[e];
            var u = later.EventUser[e];
            if ((accounts && t < store.AccountCreatedAt[later.EventAccount[e]]) || (users && u >= 0 && t < store.UserCreatedAt[u]))
                return true; // the waiting mark is long.MaxValue, so a first event is always earlier
        }
        return false;
    }
}
