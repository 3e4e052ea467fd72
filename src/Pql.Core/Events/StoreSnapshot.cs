namespace Pql.Core.Events;

/// <summary>
/// The layout of a loaded <see cref="EventStore"/> on disk: dictionaries, entity columns, event columns and the
/// kept property columns, plus an opaque note (the load report). See <see cref="SnapshotWriter"/> for the framing.
/// </summary>
internal static class StoreSnapshot
{
    public static void Write(string path, ReadOnlySpan<byte> key, EventStore store, string note)
    {
        using var w = new SnapshotWriter(path);
        w.String(note);
        w.Strings(store.AccountIds.Values);
        w.Array<long>(store.AccountCreatedAt);
        WriteAttributes(w, store.AccountAttributes);
        w.Strings(store.UserIds.Values);
        w.Array<int>(store.UserAccount);
        w.Array<long>(store.UserCreatedAt);
        WriteAttributes(w, store.UserAttributes);
        w.Strings(store.EventNames.Values);
        w.Strings(store.Products.Values);
        w.Array<int>(store.EventAccount);
        w.Array<int>(store.EventUser);
        w.Array<long>(store.EventTime);
        w.Array<int>(store.EventName);
        w.Array<int>(store.EventProduct);
        w.Array<int>(store.AccountOffsets);
        w.Long(store.Properties.Count);
        foreach (var (name, p) in store.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.String(name);
            w.Array<int>(p.EventIndex);
            w.Array<int>(p.ValueCode);
            w.Strings(p.Values.Values);
        }
        var m = store.Metrics;
        w.Strings(m.Names.Values);
        w.Array<int>(m.Account);
        w.Array<int>(m.User);
        w.Array<int>(m.Day);
        w.Array<int>(m.Name);
        w.Array<double>(m.Value);
        w.Array<int>(m.AccountOffsets);
        w.Commit(key);
    }

    /// <summary>The store and its note, or null (with why) when the file is missing, stale or damaged.</summary>
    public static (EventStore Store, string Note)? Read(string path, ReadOnlySpan<byte> key, out string? problem)
    {
        using var r = SnapshotReader.Open(path, key, out problem);
        if (r is null)
            return null;
        var note = r.String();
        var accountIds = Pool(r.Strings());
        var accountCreated = r.Array<long>();
        var accountAttributes = ReadAttributes(r);
        var userIds = Pool(r.Strings());
        var userAccount = r.Array<int>();
        var userCreated = r.Array<long>();
        var userAttributes = ReadAttributes(r);
        var eventNames = Pool(r.Strings());
        var products = Pool(r.Strings());
        var store = new EventStore
        {
            AccountIds = accountIds,
            AccountCreatedAt = accountCreated,
            AccountAttributes = accountAttributes,
            UserIds = userIds,
            UserAccount = userAccount,
            UserCreatedAt = userCreated,
            UserAttributes = userAttributes,
            EventNames = eventNames,
            Products = products,
            EventAccount = r.Array<int>(),
            EventUser = r.Array<int>(),
            EventTime = r.Array<long>(),
            EventName = r.Array<int>(),
            EventProduct = r.Array<int>(),
            AccountOffsets = r.Array<int>(),
            Properties = ReadProperties(r),
            Metrics = ReadMetrics(r),
        };
        return (store, note);
    }

    private static Dictionary<string, PropertyColumn> ReadProperties(SnapshotReader r)
    {
        var count = r.Long();
        var props = new Dictionary<string, PropertyColumn>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = r.String();
            props[key] = new PropertyColumn { Key = key, EventIndex = r.Array<int>(), ValueCode = r.Array<int>(), Values = Pool(r.Strings()) };
        }
        return props;
    }

    private static MetricTable ReadMetrics(SnapshotReader r)
    {
        var names = Pool(r.Strings());
        var table = new MetricTable
        {
            Names = names,
            Account = r.Array<int>(),
            User = r.Array<int>(),
            Day = r.Array<int>(),
            Name = r.Array<int>(),
            Value = r.Array<double>(),
            AccountOffsets = r.Array<int>(),
        };
        return table.Count == 0 ? MetricTable.Empty : table;
    }

    private static void WriteAttributes(SnapshotWriter w, IReadOnlyList<AttributeColumn> columns)
    {
        w.Long(columns.Count);
        foreach (var c in columns)
        {
            w.String(c.Name);
            w.Long((long)c.Kind);
            w.Array<double>(c.Numbers);
            w.Array<long>(c.Times);
            w.Array<int>(c.Codes);
            w.Strings(c.Levels.Values);
        }
    }

    private static List<AttributeColumn> ReadAttributes(SnapshotReader r)
    {
        var count = r.Long();
        var columns = new List<AttributeColumn>((int)count);
        for (var i = 0; i < count; i++)
        {
            columns.Add(new AttributeColumn
            {
                Name = r.String(),
                Kind = (AttributeKind)r.Long(),
                Numbers = r.Array<double>(),
                Times = r.Array<long>(),
                Codes = r.Array<int>(),
                Levels = Pool(r.Strings()),
            });
        }
        return columns;
    }

    private static StringPool Pool(string[] values)
    {
        var pool = new StringPool();
        foreach (var v in values)
            pool.GetOrAdd(v);
        return pool;
    }
}
