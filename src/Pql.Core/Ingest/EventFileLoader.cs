using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// Loads event files into the builder: parses timestamps, resolves user -> account (directly, through the
/// users table, or through a lookup table), maps products, deduplicates by event_id and keeps only the
/// properties the engine needs. Every row ends loaded, duplicate or rejected with a reason.
/// </summary>
internal sealed class EventFileLoader(
    EventStoreBuilder builder, WorkspaceConfig config, LoadReport report, RejectLog rejects, string[] propertyKeys) : IDisposable
{
    private const string Absent = "\u0000";
    private const int SlotTime = 0, SlotEvent = 1, SlotUser = 2, SlotAccount = 3, SlotProduct = 4, SlotEventId = 5,
        SlotProperties = 6, SlotReceived = 7, SlotLookup = 8, SlotUserCreated = 9, FirstExtraSlot = 10;

    /// <summary>How many rows ahead the event-id slot is prefetched: enough to hide a memory access behind the rows between.</summary>
    private const int PrefetchRows = 8;

    private EventIdSet _eventIds = new();

    /// <summary>Estimated rows of the table being loaded, reserved in the event-id set by its first file with event ids (then 0).</summary>
    private long _reserveRows;
    private int[] _productOfEvent = [];
    private readonly List<long> _latencies = [];
    private long _implicitUsers;

    public void Load(TableSource source)
    {
        AccountLookupTable? lookup = null;
        if (source.AccountVia is { } via)
            DataFile.Read(via.Path, () => lookup = AccountLookupTable.Load(via));
        var usersFromEvents = config.Data.Users?.Origin == TableOrigin.FromEvents ? config.Data.Users : null;
        _reserveRows = source.Database is null && source.Paths.Count > 0 ? LoadEstimate.TableRows(source) : 0;
        foreach (var path in source.Paths)
        {
            var stats = new FileLoadStats(path, "events");
            report.Files.Add(stats);
            DataFile.Read(path, () => LoadFile(path, source, stats, lookup, usersFromEvents));
        }
    }

    /// <summary>
    /// Loads NDJSON rows held in memory (events <c>pql serve</c> accepted since its last load) exactly as a file of the source's
    /// shape would load; <paramref name="name"/> stands for the file in rejects.
    /// </summary>
    public void LoadNdjson(Stream rows, string name, TableSource source)
    {
        var stats = new FileLoadStats(name, "events");
        report.Files.Add(stats);
        var usersFromEvents = config.Data.Users?.Origin == TableOrigin.FromEvents ? config.Data.Users : null;
        DataFile.Read(name, () => LoadFile(name, source, stats, null, usersFromEvents, rows));
    }

    /// <summary>Treats these event-id hashes as already loaded (an append to a loaded store dedupes against its rows).</summary>
    public void SeedEventIds(ReadOnlySpan<UInt128> hashes)
    {
        _eventIds.Reserve(hashes.Length);
        foreach (var h in hashes)
            _eventIds.AddHash(h);
    }

    /// <summary>Called with the event-id set when the load finishes, before it is freed (to keep it for a later append).</summary>
    public Action<EventIdSet>? KeepEventIds { get; init; }

    public void Finish()
    {
        KeepEventIds?.Invoke(_eventIds);
        _eventIds.Dispose(); // hundreds of MB on large loads: free them before the store is sorted
        report.ImplicitUsers = _implicitUsers;
        if (_latencies.Count > 0)
        {
            _latencies.Sort();
            report.LatencyMedianMs = _latencies[_latencies.Count / 2];
            report.LatencyP95Ms = _latencies[Math.Min(_latencies.Count - 1, (int)(_latencies.Count * 0.95))];
        }
    }

    private void LoadFile(string path, TableSource source, FileLoadStats stats, AccountLookupTable? lookup, TableSource? usersFromEvents, Stream? rows = null)
    {
        var slots = new List<string>
        {
            source.Column("timestamp"),
            source.ConstantEvent is null ? source.Column("event") : Absent,
            usersFromEvents?.Column("user_id") ?? source.Column("user_id"),
            source.Column("account_id"),
            source.ConstantProduct is null ? source.Column("product") : Absent,
            source.Column("event_id"),
            source.Column("properties"),
            source.Column("received_at"),
            source.AccountVia?.RowKey ?? Absent,
            usersFromEvents is null ? Absent : usersFromEvents.Column("created_at"),
        };
        // Plain columns kept as properties (CSV exports without a JSON properties column).
        var propertyColumnKey = new List<int>();
        foreach (var col in source.PropertyColumns)
        {
            var k = Array.IndexOf(propertyKeys, col);
            if (k >= 0)
            {
                slots.Add(col);
                propertyColumnKey.Add(k);
            }
        }
        var userAttrStart = slots.Count;
        var userAttrs = usersFromEvents?.AttributeColumns ?? [];
        slots.AddRange(userAttrs);
        var filters = new RowFilters(source.Filters, slots.Count);
        slots.AddRange(RowFilters.Columns(source));

        var format = source.Format ?? TableParser.FormatOf(path);
        using RowReader reader = source.Database is { } database ? OpenPostgres(database, slots, propertyKeys) : format switch
        {
            FileFormat.Csv when ParallelParse => OpenParallelCsv(path, source, slots, propertyKeys, Preparer(source), Cancellation),
            FileFormat.Csv => OpenCsv(path, source, slots, propertyKeys, Cancellation),
            FileFormat.Parquet => OpenParquet(path, slots, propertyKeys),
            _ => OpenNdjson(rows ?? DataFile.Open(path, Cancellation), slots, propertyKeys),
        };
        if (reader.Header is not null)
        {
            var required = new List<(int, string)> { (SlotTime, slots[SlotTime]) };
            if (source.ConstantEvent is null)
                required.Add((SlotEvent, slots[SlotEvent]));
            if (!reader.HasColumn(SlotUser) && !reader.HasColumn(SlotAccount) && lookup is null)
                throw new DataLoadException(path, $"missing required column: events need '{slots[SlotUser]}' or '{slots[SlotAccount]}' (columns: {string.Join(", ", reader.Header)})");
            RowReaders.Require(reader, path, [.. required]);
            if (lookup is not null)
                RowReaders.Require(reader, path, [(SlotLookup, slots[SlotLookup])]);
            filters.Require(reader, path);
        }
        var stage = StageClock.Start();
        ReserveEventIds(reader);

        var constantEvent = source.ConstantEvent is null ? -1 : builder.EventNames.GetOrAdd(source.ConstantEvent);
        var constantProduct = source.ConstantProduct is null ? -1 : builder.Products.GetOrAdd(source.ConstantProduct);
        var userTsFormat = usersFromEvents?.TimestampFormat ?? TimestampFormat.Iso;
        var progressEvery = 1_000_000L;
        var hasFilters = source.Filters.Count > 0;
        // A CSV or Parquet file's columns are known from its header; an NDJSON row may bring received_at at any row.
        var mayHaveReceived = reader.Header is null || reader.HasColumn(SlotReceived);
        var eventMap = new PreparedNameMap();
        var productMap = new PreparedNameMap();
        while (reader.Read())
        {
            stats.Read++;
            if (stats.Read % RowReaders.CancelCheckRows == 0)
                Cancellation.ThrowIfCancellationRequested();
            if (stats.Read % progressEvery == 0)
                Ingest.Log.Progress(Log, FormattableString.Invariant($"{Path.GetFileName(path)}: {stats.Read:N0} rows"));
            var isPrepared = reader.TryGetPrepared(out var prepared);
            // A clean prepared row has no row or properties error: skip asking (the same answers, without the per-row calls).
            var clean = isPrepared && prepared.Clean;
            if (!clean && reader.RowError is { } rowError)
            {
                rejects.Add(stats, reader.Line, reader.RowErrorField, rowError, default);
                continue;
            }
            if (hasFilters && !filters.Keeps(reader))
            {
                stats.Filtered++;
                continue;
            }
            if (isPrepared && reader.TryPeekPrepared(PrefetchRows, out var ahead) && ahead.HasEventId)
                _eventIds.Prefetch(ahead.EventIdHash);
            if (isPrepared ? !prepared.TimeParsed : !TimestampParser.TryParse(reader.Get(SlotTime), source.TimestampFormat, out prepared.Time))
            {
                rejects.Add(stats, reader.Line, slots[SlotTime], TimestampParser.Expectation(source.TimestampFormat), reader.Get(SlotTime));
                continue;
            }
            var time = prepared.Time;
            var eventCode = constantEvent;
            if (eventCode < 0 && isPrepared && prepared.Event >= 0)
            {
                eventCode = eventMap.Resolve(reader.PreparedNames!.Events.Pool, prepared.Event, builder.EventNames);
            }
            else if (eventCode < 0)
            {
                var name = reader.Get(SlotEvent).Trim();
                if (name.IsEmpty)
                {
                    rejects.Add(stats, reader.Line, slots[SlotEvent], "is empty", name);
                    continue;
                }
                eventCode = builder.EventNames.GetOrAdd(name);
            }
            if (!clean && reader.PropertiesError is { } propError)
            {
                rejects.Add(stats, reader.Line, slots[SlotProperties], propError, reader.Get(SlotProperties));
                continue;
            }
            if (!isPrepared)
                (prepared.User, prepared.Account) = (-1, -1);
            if (!ResolveEntity(reader, slots, stats, lookup, usersFromEvents, userTsFormat, userAttrStart, userAttrs, time, prepared, out var account, out var user))
                continue;
            if (isPrepared ? prepared.HasEventId && !_eventIds.AddHash(prepared.EventIdHash) : !IsNewEventId(reader.Get(SlotEventId).Trim()))
            {
                stats.Duplicates++;
                continue;
            }
            var product = constantProduct;
            if (isPrepared)
            {
                if (prepared.Product >= 0)
                    product = productMap.Resolve(reader.PreparedNames!.Products.Pool, prepared.Product, builder.Products);
                else if (product < 0)
                    product = ProductOf(eventCode);
            }
            else
            {
                var productText = reader.Get(SlotProduct).Trim();
                if (!productText.IsEmpty)
                    product = builder.Products.GetOrAdd(productText);
                else if (product < 0)
                    product = ProductOf(eventCode);
            }

            var index = builder.AddEvent(account, user, time, eventCode, product);
            for (var k = 0; k < propertyKeys.Length; k++)
            {
                if (reader.Property(k) is { } value)
                    builder.AddProperty(index, propertyKeys[k], value);
            }
            for (var i = 0; i < propertyColumnKey.Count; i++)
            {
                var v = reader.Get(FirstExtraSlot + i).Trim();
                if (!v.IsEmpty && reader.Property(propertyColumnKey[i]) is null)
                    builder.AddProperty(index, propertyKeys[propertyColumnKey[i]], v);
            }
            var received = mayHaveReceived ? reader.Get(SlotReceived) : default;
            if (!received.IsEmpty && TimestampParser.TryParse(received, source.TimestampFormat, out var receivedAt) && _latencies.Count < 2_000_000)
                _latencies.Add(receivedAt - time);
            stats.Loaded++;
        }
        Ingest.Log.Detail(Log, stage.Describe(Path.GetFileName(path), stats.Read, (reader as ParallelCsvRowReader)?.Timings));
    }

    public ILogger Log { get; init; } = NullLogger.Instance;

    /// <summary>Frees the event-id set (native memory) when a load fails before <see cref="Finish"/>.</summary>
    public void Dispose() => _eventIds.Dispose();

    /// <summary>Parse CSV files in parallel blocks (<see cref="LoadOptions.ParallelParse"/>).</summary>
    public bool ParallelParse { get; init; }

    /// <summary>
    /// Sizes the event-id set once for the table's estimated rows (<see cref="LoadEstimate.TableRows"/>) when a file has event ids:
    /// growing by doubling rehashed every id several times and zeroed about twice the final table's memory, fresh pages the kernel
    /// clears at about 1 GB/s here (measured: 0.5 s of a 10M-event load), and held the old and new tables at once at the last
    /// doubling. 9/10 of the estimate, so an estimate a little high does not double the table; one a little low grows it once, as before.
    /// </summary>
    private void ReserveEventIds(RowReader reader)
    {
        if (_reserveRows <= 0 || !reader.HasColumn(SlotEventId))
            return;
        _eventIds.Reserve((int)Math.Min(_reserveRows / 10 * 9, 1 << 28));
        _reserveRows = 0;
    }

    private bool IsNewEventId(ReadOnlySpan<char> eventId) => eventId.IsEmpty || _eventIds.Add(eventId);

    /// <summary>
    /// The per-row work that needs no load state, done on the parsing threads: the timestamp, the event id's hash, the
    /// user and account codes as they were before this file (copies: the builder's pools grow on this thread meanwhile), and the
    /// event name and product numbered in the block's own pools (mapped to store codes once per block on the loading thread).
    /// </summary>
    private RowPreparer Preparer(TableSource source)
    {
        var users = builder.UserIds.Copy();
        var accounts = builder.AccountIds.Copy();
        var format = source.TimestampFormat;
        return (CsvBlock.Cursor row, PreparedNames names, ref PreparedRow prepared) =>
        {
            prepared.TimeParsed = TimestampParser.TryParse(row.Get(SlotTime), format, out prepared.Time);
            var eventId = row.Get(SlotEventId).Trim();
            prepared.HasEventId = !eventId.IsEmpty;
            prepared.EventIdHash = prepared.HasEventId ? EventIdSet.Hash(eventId) : default;
            var user = row.Get(SlotUser).Trim();
            prepared.HasUser = !user.IsEmpty;
            prepared.User = user.IsEmpty ? -1 : names.User.Find(user, users);
            var account = row.Get(SlotAccount).Trim();
            prepared.HasAccount = !account.IsEmpty;
            prepared.Account = account.IsEmpty ? -1 : names.Account.Find(account, accounts);
            var name = row.Get(SlotEvent).Trim();
            prepared.Event = name.IsEmpty ? -1 : names.Events.GetOrAdd(name);
            var product = row.Get(SlotProduct).Trim();
            prepared.Product = product.IsEmpty ? -1 : names.Products.GetOrAdd(product);
        };
    }

    public CancellationToken Cancellation { get; init; }

    private bool ResolveEntity(RowReader reader, List<string> slots, FileLoadStats stats, AccountLookupTable? lookup,
        TableSource? usersFromEvents, TimestampFormat userTsFormat, int userAttrStart, IReadOnlyList<string> userAttrs,
        long time, PreparedRow prepared, out int account, out int user)
    {
        account = -1;
        user = -1;
        if (lookup is null && usersFromEvents is null && KnownEntity(prepared, out account, out user))
            return true;
        var userId = reader.Get(SlotUser).Trim();
        var accountId = reader.Get(SlotAccount).Trim();
        var preparedAccount = prepared.Account;
        if (lookup is not null && accountId.IsEmpty)
        {
            preparedAccount = -1; // the prepared code was of the (empty) account column
            var key = reader.Get(SlotLookup).Trim();
            if (!lookup.TryGet(key, out var resolved))
            {
                rejects.Add(stats, reader.Line, slots[SlotLookup], $"has no row in {Path.GetFileName(lookup.Path)}", key);
                return false;
            }
            accountId = resolved;
        }
        if (!accountId.IsEmpty)
        {
            account = preparedAccount >= 0 ? preparedAccount : builder.FindAccount(accountId);
            if (account < 0 && !(usersFromEvents is not null && config.Data.Accounts?.Origin == TableOrigin.FromUsers))
            {
                rejects.Add(stats, reader.Line, slots[SlotAccount], "is not a known account", accountId);
                return false;
            }
        }
        if (userId.IsEmpty)
        {
            if (account < 0)
            {
                rejects.Add(stats, reader.Line, slots[SlotUser], "unknown user with no account_id (the event cannot be attributed)", userId);
                return false;
            }
            return true;
        }
        user = prepared.User >= 0 ? prepared.User : builder.FindUser(userId);
        if (user >= 0)
        {
            if (account < 0)
                account = builder.UserAccount(user);
            if (usersFromEvents is not null)
                LowerUserCreated(reader, user, userTsFormat, time);
            return true;
        }
        if (usersFromEvents is not null)
        {
            // Users made from events: the first row creates the user; with no account column, the user is its own account.
            if (account < 0)
            {
                account = builder.FindAccount(userId);
                if (account < 0)
                    account = builder.AddAccount(userId.ToString(), time);
            }
            var attrs = new List<KeyValuePair<string, string>>(userAttrs.Count);
            for (var i = 0; i < userAttrs.Count; i++)
                attrs.Add(new(userAttrs[i], reader.Get(userAttrStart + i).Trim().ToString()));
            user = builder.AddUser(userId.ToString(), account, time, attrs);
            LowerUserCreated(reader, user, userTsFormat, time);
            return true;
        }
        if (account < 0)
        {
            rejects.Add(stats, reader.Line, slots[SlotUser], "unknown user with no account_id (the event cannot be attributed)", userId);
            return false;
        }
        // A user missing from the users file but with a known account: keep the event, remember the user.
        user = builder.AddUser(userId.ToString(), account, time);
        _implicitUsers++;
        return true;
    }

    /// <summary>
    /// The entity of a prepared row whose codes settle it exactly as its text would (with no lookup and users not made from
    /// events): a given account found in the copy, a given user found in the copy (with its own account when none is given).
    /// False sends the row to the text path: an id not in the copy, no id at all (a rejection), or a row not prepared.
    /// </summary>
    private bool KnownEntity(PreparedRow prepared, out int account, out int user)
    {
        account = -1;
        user = -1;
        if (prepared.HasAccount != prepared.Account >= 0 || prepared.HasUser != prepared.User >= 0)
            return false;
        if (!prepared.HasUser)
        {
            account = prepared.Account;
            return account >= 0;
        }
        user = prepared.User;
        account = prepared.HasAccount ? prepared.Account : builder.UserAccount(user);
        return true;
    }

    private void LowerUserCreated(RowReader reader, int user, TimestampFormat format, long time)
    {
        var created = reader.Get(SlotUserCreated);
        var t = !created.IsEmpty && TimestampParser.TryParse(created, format, out var c) ? Math.Min(c, time) : time;
        builder.LowerUserCreated(user, t);
        builder.LowerAccountCreated(builder.UserAccount(user), t);
    }

    /// <summary>The product of an event name from the products map, cached by event code (-2 = not looked up yet).</summary>
    private int ProductOf(int eventCode)
    {
        if (eventCode >= _productOfEvent.Length)
        {
            var old = _productOfEvent.Length;
            Array.Resize(ref _productOfEvent, Math.Max(eventCode + 1, old * 2));
            Array.Fill(_productOfEvent, -2, old, _productOfEvent.Length - old);
        }
        var p = _productOfEvent[eventCode];
        if (p == -2)
        {
            p = config.ProductOfEvent.TryGetValue(builder.EventNames[eventCode], out var product) ? builder.Products.GetOrAdd(product) : -1;
            _productOfEvent[eventCode] = p;
        }
        return p;
    }

    private static CsvRowReader OpenCsv(string path, TableSource source, List<string> slots, string[] keys, CancellationToken cancellationToken)
    {
        var stream = DataFile.Open(path, cancellationToken);
        try
        {
            var csv = new CsvRowReader(stream, Path.GetFileName(path), source, Math.Max(16, keys.Length));
            csv.Bind(slots, SlotProperties, keys);
            return csv;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ParallelCsvRowReader OpenParallelCsv(string path, TableSource source, List<string> slots, string[] keys, RowPreparer preparer, CancellationToken cancellationToken)
    {
        var stream = DataFile.Open(path, cancellationToken);
        try
        {
            var csv = new ParallelCsvRowReader(stream, Path.GetFileName(path), source);
            csv.Bind(slots, SlotProperties, keys, preparer);
            return csv;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ParquetRowReader OpenParquet(string path, List<string> slots, string[] keys)
    {
        var parquet = new ParquetRowReader(path);
        try
        {
            parquet.Bind(slots, SlotProperties, keys);
            return parquet;
        }
        catch
        {
            parquet.Dispose();
            throw;
        }
    }

    private static PostgresRowReader OpenPostgres(DatabaseSource database, List<string> slots, string[] keys)
    {
        var table = new PostgresRowReader(database);
        try
        {
            table.Bind(slots, SlotProperties, keys);
            return table;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    private static NdjsonRowReader OpenNdjson(Stream stream, List<string> slots, string[] keys)
    {
        var json = new NdjsonRowReader(stream);
        json.Bind(slots, keys);
        return json;
    }
}
