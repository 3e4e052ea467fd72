namespace Pql.Core.Events;

/// <summary>
/// The columnar event store: accounts, users and their events held as parallel arrays.
/// Events are sorted by account, then time, then user, then load order, so a point-in-time window for
/// one account is a contiguous range found by binary search. Names are dictionary-encoded.
/// Times are Unix milliseconds (UTC).
/// </summary>
public sealed class EventStore
{
    // Accounts
    public required StringPool AccountIds { get; init; }
    public required long[] AccountCreatedAt { get; init; }
    public required IReadOnlyList<AttributeColumn> AccountAttributes { get; init; }

    // Users
    public required StringPool UserIds { get; init; }
    /// <summary>Account code of each user.</summary>
    public required int[] UserAccount { get; init; }
    public required long[] UserCreatedAt { get; init; }
    public required IReadOnlyList<AttributeColumn> UserAttributes { get; init; }

    // Events, sorted by (account, time)
    public required StringPool EventNames { get; init; }
    public required StringPool Products { get; init; }
    public required int[] EventAccount { get; init; }
    /// <summary>User code of each event, -1 when the event has no user.</summary>
    public required int[] EventUser { get; init; }
    public required long[] EventTime { get; init; }
    public required int[] EventName { get; init; }
    /// <summary>Product code of each event, -1 when it maps to no product.</summary>
    public required int[] EventProduct { get; init; }
    /// <summary>Account a's events are [AccountOffsets[a], AccountOffsets[a+1]).</summary>
    public required int[] AccountOffsets { get; init; }
    /// <summary>Properties kept because a feature or goal reads them, by key.</summary>
    public required IReadOnlyDictionary<string, PropertyColumn> Properties { get; init; }
    /// <summary>Daily values of the <c>metrics</c> table (empty when the workspace declares none).</summary>
    public MetricTable Metrics { get; init; } = MetricTable.Empty;

    private readonly Lazy<(int[] Order, int[] Offsets)> _userIndex;
    private readonly Lazy<(long Min, long Max)> _minMax;

    public EventStore()
    {
        // Built once, on first use, by one thread; callers inside Parallel.For see both arrays together or wait.
        _userIndex = new(BuildUserIndex, LazyThreadSafetyMode.ExecutionAndPublication);
        _minMax = new(BuildMinMax, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int AccountCount => AccountCreatedAt.Length;
    public int UserCount => UserAccount.Length;
    public int EventCount => EventTime.Length;

    /// <summary>Earliest and latest event time (0 when there are no events).</summary>
    public long MinTime => EventCount == 0 ? 0 : _minMax.Value.Min;
    public long MaxTime => EventCount == 0 ? 0 : _minMax.Value.Max;

    private (long Min, long Max) BuildMinMax()
    {
        long min = long.MaxValue, max = long.MinValue;
        foreach (var t in EventTime)
        {
            if (t < min) min = t;
            if (t > max) max = t;
        }
        return (min, max);
    }

    /// <summary>
    /// Event indices ordered by (user, time), with offsets per user: user u's events are
    /// UserOrder[UserOffsets[u]..UserOffsets[u+1]]. Built once on first use (only user-level goals need it); thread-safe.
    /// </summary>
    public (int[] Order, int[] Offsets) UserIndex() => _userIndex.Value;

    private (int[] Order, int[] Offsets) BuildUserIndex()
    {
        var counts = new int[UserCount + 1];
        foreach (var u in EventUser)
        {
            if (u >= 0) counts[u + 1]++;
        }
        for (var i = 1; i < counts.Length; i++)
            counts[i] += counts[i - 1];
        var offsets = (int[])counts.Clone();
        var order = new int[offsets[^1]];
        var next = (int[])counts.Clone();
        // Events are already time-ordered within an account and a user belongs to one account,
        // so a stable pass in event order keeps each user's events in time order.
        for (var e = 0; e < EventUser.Length; e++)
        {
            var u = EventUser[e];
            if (u >= 0) order[next[u]++] = e;
        }
        return (order, offsets);
    }

    /// <summary>The first event index of account a with time &gt; t (events with time &lt;= t come before it).</summary>
    public int UpperBound(int account, long t)
    {
        int lo = AccountOffsets[account], hi = AccountOffsets[account + 1];
        var times = EventTime;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (times[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Resident bytes of the event columns per event, not counting the string dictionaries.</summary>
    public double BytesPerEvent()
    {
        if (EventCount == 0)
            return 0;
        long bytes = EventCount * (4L + 4 + 8 + 4 + 4) + AccountOffsets.Length * 4L;
        foreach (var p in Properties.Values)
            bytes += p.EventIndex.Length * 8L;
        if (_userIndex.IsValueCreated)
            bytes += _userIndex.Value.Order.Length * 4L + _userIndex.Value.Offsets.Length * 4L;
        return (double)bytes / EventCount;
    }

    public AttributeColumn? AccountAttribute(string name) => AccountAttributes.FirstOrDefault(a => a.Name == name);

    public AttributeColumn? UserAttribute(string name) => UserAttributes.FirstOrDefault(a => a.Name == name);
}
