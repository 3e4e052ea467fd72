namespace Pql.Core.Events;

/// <summary>
/// Accumulates accounts, users and events in any order, then sorts events by (account, time) into an
/// <see cref="EventStore"/>. Used by ingestion and by tests that hand-build small event logs.
/// Not thread-safe: one builder per load.
/// </summary>
public sealed class EventStoreBuilder
{
    private readonly StringPool _accountIds = new();
    private readonly StringPool _userIds = new();
    private readonly StringPool _eventNames = new();
    private readonly StringPool _products = new();
    private readonly List<long> _accountCreated = [];
    private readonly List<int> _userAccount = [];
    private readonly List<long> _userCreated = [];
    private readonly AttributeBuilder _accountAttrs = new();
    private readonly AttributeBuilder _userAttrs = new();
    private readonly Dictionary<string, (List<int> Events, List<int> Codes, StringPool Values)> _props = new(StringComparer.Ordinal);

    private readonly ChunkedColumn<int> _evAccount = new();
    private readonly ChunkedColumn<int> _evUser = new();
    private readonly ChunkedColumn<long> _evTime = new();
    private readonly ChunkedColumn<int> _evName = new();
    private readonly ChunkedColumn<int> _evProduct = new();

    private readonly StringPool _metricNames = new();
    private readonly List<int> _mAccount = [];
    private readonly List<int> _mUser = [];
    private readonly List<int> _mDay = [];
    private readonly List<int> _mName = [];
    private readonly List<double> _mValue = [];

    /// <summary>Creation time of an entity whose table says <c>created_at: first_event</c>, until <see cref="DeriveCreatedFromFirstEvents"/>.</summary>
    public const long CreatedAtFirstEvent = long.MaxValue;

    public StringPool AccountIds => _accountIds;
    public StringPool UserIds => _userIds;
    public StringPool EventNames => _eventNames;
    public StringPool Products => _products;
    public int EventCount => _evTime.Count;
    public StringPool MetricNames => _metricNames;
    public int MetricCount => _mDay.Count;

    /// <summary>Adds a daily metric value of an account (user -1) or of a user of that account; day = whole UTC days since 1970.</summary>
    public void AddMetric(int account, int user, int day, int metricName, double value)
    {
        _mAccount.Add(account);
        _mUser.Add(user);
        _mDay.Add(day);
        _mName.Add(metricName);
        _mValue.Add(value);
    }

    /// <summary>Adds an account (or returns the existing code). Attributes are name/raw-text pairs.</summary>
    public int AddAccount(string id, long createdAt, IEnumerable<KeyValuePair<string, string>>? attributes = null)
    {
        var code = _accountIds.GetOrAdd(id);
        if (code == _accountCreated.Count)
            _accountCreated.Add(createdAt);
        if (attributes is not null)
            _accountAttrs.Set(code, attributes);
        return code;
    }

    public int FindAccount(ReadOnlySpan<char> id) => _accountIds.Find(id);

    /// <summary>Moves an account's creation time earlier (accounts derived from users take their earliest user).</summary>
    public void LowerAccountCreated(int account, long createdAt)
    {
        if (createdAt < _accountCreated[account])
            _accountCreated[account] = createdAt;
    }

    /// <summary>Moves a user's creation time earlier (users derived from events take their earliest sign of life).</summary>
    public void LowerUserCreated(int user, long createdAt)
    {
        if (createdAt < _userCreated[user])
            _userCreated[user] = createdAt;
    }

    public long AccountCreatedAt(int account) => _accountCreated[account];

    public long UserCreatedAt(int user) => _userCreated[user];

    /// <summary>The raw text an account (or user) row gave an attribute, for comparing a repeated row with the kept one.</summary>
    public string? AccountAttributeText(int account, string name) => _accountAttrs.Get(account, name);

    public string? UserAttributeText(int user, string name) => _userAttrs.Get(user, name);

    public int AddUser(string id, int account, long createdAt, IEnumerable<KeyValuePair<string, string>>? attributes = null)
    {
        var code = _userIds.GetOrAdd(id);
        if (code == _userAccount.Count)
        {
            _userAccount.Add(account);
            _userCreated.Add(createdAt);
        }
        if (attributes is not null)
            _userAttrs.Set(code, attributes);
        return code;
    }

    public int FindUser(ReadOnlySpan<char> id) => _userIds.Find(id);

    public int UserAccount(int user) => _userAccount[user];

    /// <summary>Adds one event; returns its load-order index (for attaching properties).</summary>
    public int AddEvent(int account, int user, long time, int eventName, int product)
    {
        _evAccount.Add(account);
        _evUser.Add(user);
        _evTime.Add(time);
        _evName.Add(eventName);
        _evProduct.Add(product);
        return _evTime.Count - 1;
    }

    /// <summary>Convenience for tests: adds an event by names.</summary>
    public int AddEvent(string accountId, string? userId, long time, string eventName, string? product)
    {
        var account = _accountIds.Find(accountId);
        if (account < 0)
            throw new ArgumentException($"unknown account '{accountId}'", nameof(accountId));
        var user = userId is null ? -1 : _userIds.Find(userId);
        return AddEvent(account, user, time, _eventNames.GetOrAdd(eventName), product is null ? -1 : _products.GetOrAdd(product));
    }

    /// <summary>Attaches a property value to an event (by its load-order index).</summary>
    public void AddProperty(int loadIndex, string key, ReadOnlySpan<char> value)
    {
        if (!_props.TryGetValue(key, out var p))
        {
            p = ([], [], new StringPool());
            _props[key] = p;
        }
        p.Events.Add(loadIndex);
        p.Codes.Add(p.Values.GetOrAdd(value));
    }

    /// <summary>
    /// Sets each account and user still marked <see cref="CreatedAtFirstEvent"/> to the time of its first event; one with
    /// no event keeps the mark (it never becomes eligible for a time-based goal).
    /// </summary>
    public void DeriveCreatedFromFirstEvents()
    {
        if (!_accountCreated.Contains(CreatedAtFirstEvent) && !_userCreated.Contains(CreatedAtFirstEvent))
            return;
        var accountFirst = new long[_accountCreated.Count];
        var userFirst = new long[_userCreated.Count];
        Array.Fill(accountFirst, CreatedAtFirstEvent);
        Array.Fill(userFirst, CreatedAtFirstEvent);
        for (var i = 0; i < _evTime.Count; i++)
        {
            var t = _evTime[i];
            var a = _evAccount[i];
            if (t < accountFirst[a])
                accountFirst[a] = t;
            var u = _evUser[i];
            if (u >= 0 && t < userFirst[u])
                userFirst[u] = t;
        }
        for (var a = 0; a < accountFirst.Length; a++)
        {
            if (_accountCreated[a] == CreatedAtFirstEvent)
                _accountCreated[a] = accountFirst[a];
        }
        for (var u = 0; u < userFirst.Length; u++)
        {
            if (_userCreated[u] == CreatedAtFirstEvent)
                _userCreated[u] = userFirst[u];
        }
    }

    /// <summary>Events per part when gathering columns into sorted order on several cores.</summary>
    private const int GatherPart = 1 << 20;

    public EventStore Build()
    {
        var n = _evTime.Count;
        var accountCount = _accountCreated.Count;
        // Sort key: account, then time, then load order (stable). Counting sort by account, then sort each range by time.
        var offsets = new int[accountCount + 1];
        for (var i = 0; i < n; i++)
            offsets[_evAccount[i] + 1]++;
        for (var a = 0; a < accountCount; a++)
            offsets[a + 1] += offsets[a];
        var order = new int[n];
        var next = (int[])offsets.Clone();
        for (var i = 0; i < n; i++)
            order[next[_evAccount[i]]++] = i;
        var times = new long[n];
        Parallel.For(0, (n + GatherPart - 1) / GatherPart, p =>
        {
            for (int i = p * GatherPart, end = Math.Min(n, i + GatherPart); i < end; i++)
                times[i] = _evTime[order[i]];
        });
        Parallel.For(0, accountCount, a =>
        {
            int lo = offsets[a], len = offsets[a + 1] - lo;
            if (len > 1 && !IsSorted(times.AsSpan(lo, len)))
                SortStable(times.AsSpan(lo, len), order.AsSpan(lo, len));
        });

        var account = new int[n];
        var user = new int[n];
        var name = new int[n];
        var product = new int[n];
        var rank = _props.Count > 0 ? new int[n] : [];
        // The gather is a random read per event and column: split over the cores (each part writes its own range; rank is a
        // permutation, so its writes never meet either). Nothing else runs at this point of a load.
        Parallel.For(0, (n + GatherPart - 1) / GatherPart, p =>
        {
            for (int i = p * GatherPart, end = Math.Min(n, i + GatherPart); i < end; i++)
            {
                var src = order[i];
                account[i] = _evAccount[src];
                user[i] = _evUser[src];
                name[i] = _evName[src];
                product[i] = _evProduct[src];
                if (rank.Length > 0)
                    rank[src] = i;
            }
        });

        var props = new Dictionary<string, PropertyColumn>(StringComparer.Ordinal);
        foreach (var (key, p) in _props)
        {
            var idx = new int[p.Events.Count];
            var codes = p.Codes.ToArray();
            for (var i = 0; i < idx.Length; i++)
                idx[i] = rank[p.Events[i]];
            Array.Sort(idx, codes);
            props[key] = new PropertyColumn { Key = key, EventIndex = idx, ValueCode = codes, Values = p.Values };
        }

        return new EventStore
        {
            AccountIds = _accountIds,
            AccountCreatedAt = [.. _accountCreated],
            AccountAttributes = _accountAttrs.Build(accountCount),
            UserIds = _userIds,
            UserAccount = [.. _userAccount],
            UserCreatedAt = [.. _userCreated],
            UserAttributes = _userAttrs.Build(_userAccount.Count),
            EventNames = _eventNames,
            Products = _products,
            EventAccount = account,
            EventUser = user,
            EventTime = times,
            EventName = name,
            EventProduct = product,
            AccountOffsets = offsets,
            Properties = props,
            Metrics = MetricTable.Build(accountCount, _metricNames, _mAccount, _mUser, _mDay, _mName, _mValue),
        };
    }

    private static bool IsSorted(ReadOnlySpan<long> t)
    {
        for (var i = 1; i < t.Length; i++)
        {
            if (t[i] < t[i - 1])
                return false;
        }
        return true;
    }

    /// <summary>Sorts times with their load-order indices; ties keep load order (indices ascend within a range).</summary>
    private static void SortStable(Span<long> times, Span<int> order)
    {
        // Pack (time, load index) so the unstable introsort gives a stable order by time.
        var keys = new (long Time, int Index)[times.Length];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = (times[i], order[i]);
        keys.AsSpan().Sort(static (x, y) => x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Index.CompareTo(y.Index));
        for (var i = 0; i < keys.Length; i++)
        {
            times[i] = keys[i].Time;
            order[i] = keys[i].Index;
        }
    }
}
