using System.Globalization;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// The events the loader kept, as a DuckDB database file in the workspace state folder (<c>.pql/events.spool.duckdb</c>), so the
/// duckdb engine computes on exactly the in-memory engine's rows: rejects, repeated event_ids and rows outside <c>where:</c> left out,
/// events posted to <c>pql serve</c> in, accounts resolved (users table, <c>account_via</c>), products mapped. Events are stored as
/// integer codes (account, user, event, product, one column per kept property) with one dictionary table each, the store's own
/// dictionaries; the source joins them back to text once per query set. Keyed like the load snapshot (input files' identity, the
/// data section, products map, property keys, engine build) plus the store's event count and time range (a load reading PostgreSQL
/// tables has no such identity: its spool is written for each load); a stale or damaged spool is rewritten, under a temporary name renamed into place, so a reader never sees a partial one.
/// </summary>
internal static class EventSpool
{
    public const string FileName = "events.spool.duckdb";

    /// <summary>Spools already checked in this process, per store (a train builds features several times on one store).</summary>
    private static readonly ConditionalWeakTable<EventStore, string> Checked = [];

    public static string PathOf(WorkspaceConfig config) => Path.Combine(config.StateDirectory, FileName);

    /// <summary>The spool of <paramref name="store"/>: reused when its key matches, written otherwise.</summary>
    public static string Ensure(WorkspaceConfig config, EventStore store)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        if (Checked.TryGetValue(store, out var checkedPath))
            return checkedPath;
        var path = PathOf(config);
        var key = Key(config, store);
        // A load with tables read from PostgreSQL has no input identity (LoadSnapshot.Unkeyed): an edited row can leave the count and
        // time range as they were, so its spool is written anew for each loaded store, never reused from an earlier process.
        if (LoadSnapshot.Unkeyed(config) is not null || StoredKey(path) != key)
            Write(path, key, store);
        Checked.AddOrUpdate(store, path);
        return path;
    }

    /// <summary>The property key of each spooled property column: <c>p0</c>, <c>p1</c>, ... in the store's (ordinal) key order.</summary>
    public static IReadOnlyList<string> PropertyKeys(EventStore store) => [.. store.Properties.Keys.Order(StringComparer.Ordinal)];

    internal static string Key(WorkspaceConfig config, EventStore store) =>
        Convert.ToHexString(LoadSnapshot.Key(config, PropertyKeys(store)))
        + string.Create(CultureInfo.InvariantCulture, $":{store.EventCount}:{store.MinTime}:{store.MaxTime}:{store.AccountCount}:{store.UserCount}");

    /// <summary>The key a spool file was written under, or null when it is missing or unreadable.</summary>
    private static string? StoredKey(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var connection = new DuckDBConnection($"DataSource={path};ACCESS_MODE=READ_ONLY");
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT key FROM spool_meta";
            return cmd.ExecuteScalar() as string;
        }
        catch (DuckDBException)
        {
            return null;   // damaged or of another layout: rewritten
        }
    }

    private static void Write(string path, string key, EventStore store)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(temp);
        File.Delete(temp + ".wal");
        try
        {
            using (var connection = new DuckDBConnection($"DataSource={temp}"))
            {
                connection.Open();
                var properties = PropertyKeys(store);
                Execute(connection, "CREATE TABLE accounts (a INTEGER, id VARCHAR)");
                Execute(connection, "CREATE TABLE users (u INTEGER, id VARCHAR)");
                Execute(connection, "CREATE TABLE event_names (e INTEGER, name VARCHAR)");
                Execute(connection, "CREATE TABLE products (p INTEGER, name VARCHAR)");
                Execute(connection, "CREATE TABLE property_values (k INTEGER, v INTEGER, value VARCHAR)");
                Execute(connection, "CREATE TABLE events (a INTEGER, u INTEGER, e INTEGER, p INTEGER, t BIGINT"
                    + string.Concat(properties.Select((_, k) => $", p{k} INTEGER")) + ")");
                Dictionary(connection, "accounts", store.AccountIds);
                Dictionary(connection, "users", store.UserIds);
                Dictionary(connection, "event_names", store.EventNames);
                Dictionary(connection, "products", store.Products);
                PropertyValues(connection, store, properties);
                Events(connection, store, properties);
                Execute(connection, "CREATE TABLE spool_properties (k INTEGER, key VARCHAR)");
                for (var k = 0; k < properties.Count; k++)
                    Execute(connection, $"INSERT INTO spool_properties VALUES ({k}, {SqlDialect.DuckDb.Literal(properties[k])})");
                Execute(connection, "CREATE TABLE spool_meta (key VARCHAR)");
                Execute(connection, $"INSERT INTO spool_meta VALUES ({SqlDialect.DuckDb.Literal(key)})");
                Execute(connection, "CHECKPOINT");
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
            File.Delete(temp + ".wal");
        }
    }

    private static void Dictionary(DuckDBConnection connection, string table, StringPool pool)
    {
        using var appender = connection.CreateAppender(table);
        for (var code = 0; code < pool.Count; code++)
            appender.CreateRow().AppendValue(code).AppendValue(pool[code]).EndRow();
    }

    private static void PropertyValues(DuckDBConnection connection, EventStore store, IReadOnlyList<string> properties)
    {
        using var appender = connection.CreateAppender("property_values");
        for (var k = 0; k < properties.Count; k++)
        {
            var values = store.Properties[properties[k]].Values;
            for (var v = 0; v < values.Count; v++)
                appender.CreateRow().AppendValue(k).AppendValue(v).AppendValue(values[v]).EndRow();
        }
    }

    /// <summary>One row per event in the store's order; -1 codes (no user, no product, no property) as NULL.</summary>
    private static void Events(DuckDBConnection connection, EventStore store, IReadOnlyList<string> properties)
    {
        var codes = new int[properties.Count][];
        for (var k = 0; k < properties.Count; k++)
        {
            var column = store.Properties[properties[k]];
            var code = codes[k] = new int[store.EventCount];
            Array.Fill(code, -1);
            for (var i = 0; i < column.EventIndex.Length; i++)
                code[column.EventIndex[i]] = column.ValueCode[i];
        }
        using var appender = connection.CreateAppender("events");
        for (var i = 0; i < store.EventCount; i++)
        {
            var row = appender.CreateRow().AppendValue(store.EventAccount[i]);
            row = Code(row, store.EventUser[i]);
            row = row.AppendValue(store.EventName[i]);
            row = Code(row, store.EventProduct[i]);
            row = row.AppendValue(store.EventTime[i]);
            for (var k = 0; k < codes.Length; k++)
                row = Code(row, codes[k][i]);
            row.EndRow();
        }
    }

    private static IDuckDBAppenderRow Code(IDuckDBAppenderRow row, int code) =>
        code < 0 ? row.AppendNullValue() : row.AppendValue(code);

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
