using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// Per-thread scratch that reads one entity's events up to a cutoff in a single pass and keeps what every
/// definition of the plan needs (counts and days per slot and window level, distinct users, week masks,
/// first use per product, distinct integration values). Reused across rows: nothing is allocated per row.
/// </summary>
internal sealed partial class RowSketch
{
    private const long None = FeatureFormulas.None;

    private readonly FeaturePlan _plan;
    private readonly int _levels;
    private readonly int[] _count;
    private readonly int[] _days;
    private readonly long[] _lastDay;
    private readonly int[] _dayLevel;
    private readonly long[] _first;
    private readonly long[] _last;
    private readonly byte[] _userLevel;
    private readonly int[] _userHist;
    private readonly bool[] _seen;
    private readonly int[] _uCount;
    private readonly int[] _uDays;
    private readonly long[] _uLastDay;
    private readonly int[] _uDayLevel;
    private readonly int[] _rollValues;
    private readonly int[] _rollCounts;
    private ulong[] _weeks;
    private readonly int[] _weekCount;
    private readonly long[] _pFirst;
    private readonly long[] _pLast;
    private readonly int[] _adopted;
    private readonly int[] _stamp;
    private readonly int[] _valueCount;
    private readonly long[] _gTime;
    private readonly int[] _gName;
    private readonly int[] _gProduct;
    private readonly int[] _gIndex;
    private readonly int[] _cadDays;
    private readonly int[] _cadMonthEnd;
    private readonly int[] _machine;
    private readonly int[] _human;

    private readonly MetricSketch? _metrics;
    private long _cutoff;
    private int _entity;
    private int _account;
    private int _nLocal;
    private long _signup;
    private int _kMax;
    private int _adoptedCount;
    private int _rowStamp;
    private int _distinct;
    private DayGaps _gaps;
    private int _cadDayLevel;
    private long _lastHuman = None;

    public RowSketch(FeaturePlan plan)
    {
        _plan = plan;
        _levels = plan.Levels;
        _count = new int[plan.SlotCount * _levels];
        _days = new int[plan.SlotCount * _levels];
        _lastDay = Filled(plan.SlotCount);
        _dayLevel = new int[plan.SlotCount];
        _first = Filled(plan.SlotCount);
        _last = Filled(plan.SlotCount);
        _userLevel = new byte[plan.UserSlotCount * plan.MaxLocalUsers];
        _userHist = new int[plan.UserSlotCount * _levels];
        _seen = new bool[plan.MaxLocalUsers];
        var rollupUsers = plan.NeedRollup ? plan.MaxLocalUsers : 0;
        _uCount = new int[rollupUsers * _levels];
        _uDays = new int[rollupUsers * _levels];
        _uLastDay = Filled(rollupUsers);
        _uDayLevel = new int[rollupUsers];
        _rollValues = new int[rollupUsers];
        _rollCounts = new int[rollupUsers];
        _weeks = new ulong[plan.NeedWeeks ? 64 : 0];
        _weekCount = new int[plan.SlopeWeeks];
        _pFirst = Filled(plan.ProductCount);
        _pLast = Filled(plan.ProductCount);
        _adopted = new int[plan.ProductCount];
        _stamp = new int[plan.TrackerSlot >= 0 ? plan.IdentityCount : 0];
        _valueCount = new int[plan.TrackerCounters];
        var gather = plan.Entity == EntityKind.User ? plan.MaxUserEvents : 0;
        _gTime = new long[gather];
        _gName = new int[gather];
        _gProduct = new int[gather];
        _gIndex = new int[gather];
        _kMax = -1;
        _cadDays = new int[plan.NeedCadence ? _levels : 0];
        _cadMonthEnd = new int[plan.NeedCadence ? _levels : 0];
        _machine = new int[plan.NeedMachine ? _levels : 0];
        _human = new int[plan.NeedMachine ? _levels : 0];
        _metrics = plan.NeedMetrics ? new MetricSketch(plan) : null;
    }

    private static long[] Filled(int n)
    {
        var a = new long[n];
        Array.Fill(a, None);
        return a;
    }

    private static long FloorDay(long t) => FeatureFormulas.FloorDay(t);

    /// <summary>Computes every column of the plan for (entity, cutoff) into row <paramref name="row"/> of <paramref name="columns"/>.</summary>
    public void Evaluate(int entity, long cutoff, float[][] columns, int row)
    {
        var store = _plan.Store;
        _cutoff = cutoff;
        _entity = entity;
        _rowStamp++;
        if (_plan.Entity == EntityKind.Account)
        {
            _account = entity;
            _signup = store.AccountCreatedAt[entity];
            _nLocal = _plan.AccountUserOffsets[entity + 1] - _plan.AccountUserOffsets[entity];
            int lo = store.AccountOffsets[entity], n = store.UpperBound(entity, cutoff) - lo;
            Scan(store.EventTime.AsSpan(lo, n), store.EventName.AsSpan(lo, n), store.EventProduct.AsSpan(lo, n),
                store.EventUser.AsSpan(lo, n), lo, default);
        }
        else
        {
            _account = store.UserAccount[entity];
            _signup = store.UserCreatedAt[entity];
            _nLocal = 1;
            var n = Gather(entity, cutoff);
            Scan(_gTime.AsSpan(0, n), _gName.AsSpan(0, n), _gProduct.AsSpan(0, n), default, 0, _gIndex.AsSpan(0, n));
        }
        Finish();
        _metrics?.Scan(entity, cutoff);
        for (var c = 0; c < columns.Length; c++)
            columns[c][row] = (float)Value(in _plan.Columns[c]);
        Reset();
    }

    private int Gather(int user, long cutoff)
    {
        var store = _plan.Store;
        var (order, offsets) = store.UserIndex();
        var times = store.EventTime;
        int lo = offsets[user], l = lo, h = offsets[user + 1];
        while (l < h)
        {
            var mid = (l + h) >>> 1;
            if (times[order[mid]] <= cutoff) l = mid + 1;
            else h = mid;
        }
        var n = l - lo;
        for (var i = 0; i < n; i++)
        {
            var e = order[lo + i];
            _gTime[i] = times[e];
            _gName[i] = store.EventName[e];
            _gProduct[i] = store.EventProduct[e];
            _gIndex[i] = e;
        }
        return n;
    }

    private void Scan(ReadOnlySpan<long> time, ReadOnlySpan<int> name, ReadOnlySpan<int> product, ReadOnlySpan<int> user,
        int baseIndex, ReadOnlySpan<int> globalIndex)
    {
        var plan = _plan;
        var cutoff = _cutoff;
        var windows = plan.WindowMs;
        var w = windows.Length;
        var levels = _levels;
        var table = plan.SlotTable;
        var stride = plan.ProductStride;
        var userSlotOf = plan.UserSlotOf;
        var maxLocal = plan.MaxLocalUsers;
        var userLocal = plan.UserLocal;
        var userAccount = plan.Store.UserAccount;
        var productIndex = plan.ProductIndex;
        var trackerSlot = plan.TrackerSlot;
        var accountRows = plan.Entity == EntityKind.Account;
        for (var i = 0; i < time.Length; i++)
        {
            var t = time[i];
            var d = cutoff - t;
            var level = 0;
            while (level < w && d >= windows[level])
                level++;
            var day = FloorDay(t);
            var pr = product[i];
            var local = 0;
            if (accountRows)
            {
                var u = user[i];
                local = u >= 0 && userAccount[u] == _entity ? userLocal[u] : -1;
            }
            foreach (var s in table[name[i] * stride + pr + 1])
            {
                var idx = s * levels;
                _count[idx + level]++;
                if (day != _lastDay[s])
                {
                    _days[idx + level]++;
                    _lastDay[s] = day;
                    _dayLevel[s] = level;
                }
                else if (level < _dayLevel[s])
                {
                    // The same day, now also inside a shorter window: move it there (windows are nested).
                    _days[idx + _dayLevel[s]]--;
                    _days[idx + level]++;
                    _dayLevel[s] = level;
                }
                if (_first[s] == None)
                    _first[s] = t;
                _last[s] = t;
                var us = userSlotOf[s];
                if (us >= 0 && local >= 0)
                    _userLevel[us * maxLocal + local] = (byte)(level + 1);
                if (s == trackerSlot)
                    Track(accountRows ? baseIndex + i : globalIndex[i], name[i]);
            }
            if (plan.NeedRollup && local >= 0)
                RollUp(local, level, day);
            if (plan.NeedCadence)
                Cadence(day, level);
            if (plan.NeedMachine)
                Machine(t, level, (accountRows && user[i] < 0) || plan.AutomatedName[name[i]]);
            var pi = pr >= 0 ? productIndex[pr] : -1;
            if (plan.NeedWeeks)
                Week(d, pi);
            if (pi >= 0)
            {
                if (_pFirst[pi] == None)
                    _pFirst[pi] = t;
                _pLast[pi] = t;
            }
        }
    }

    private void RollUp(int local, int level, long day)
    {
        var idx = local * _levels;
        _uCount[idx + level]++;
        if (day != _uLastDay[local])
        {
            _uDays[idx + level]++;
            _uLastDay[local] = day;
            _uDayLevel[local] = level;
        }
        else if (level < _uDayLevel[local])
        {
            _uDays[idx + _uDayLevel[local]]--;
            _uDays[idx + level]++;
            _uDayLevel[local] = level;
        }
    }

    /// <summary>Events arrive in time order, so a new day closes the gap since the previous active day.</summary>
    private void Cadence(long day, int level)
    {
        if (day != _gaps.LastDay)
        {
            _gaps.Add(day);
            _cadDayLevel = level;
            _cadDays[level]++;
            if (FeatureFormulas.IsMonthEnd(day, _plan.MonthEndDays))
                _cadMonthEnd[level]++;
        }
        else if (level < _cadDayLevel)
        {
            // The same day, now also inside a shorter window (as for active days).
            var monthEnd = FeatureFormulas.IsMonthEnd(day, _plan.MonthEndDays) ? 1 : 0;
            _cadDays[_cadDayLevel]--;
            _cadMonthEnd[_cadDayLevel] -= monthEnd;
            _cadDays[level]++;
            _cadMonthEnd[level] += monthEnd;
            _cadDayLevel = level;
        }
    }

    private void Machine(long time, int level, bool machine)
    {
        if (machine)
        {
            _machine[level]++;
            return;
        }
        _human[level]++;
        _lastHuman = time;
    }

    private void Week(long sinceMs, int productIndex)
    {
        var k = (int)(sinceMs / FeaturePlan.WeekMs);
        if (k >= _weeks.Length)
            Array.Resize(ref _weeks, Math.Max(k + 1, _weeks.Length * 2)); // grows to the longest history once per thread
        var bit = FeaturePlan.AnyBit;
        if (productIndex is >= 0 and < 63)
            bit |= 1UL << productIndex;
        _weeks[k] |= bit;
        if (k < _weekCount.Length)
            _weekCount[k]++;
        if (k > _kMax)
            _kMax = k;
    }

    private void Track(int eventIndex, int nameCode)
    {
        var column = _plan.TrackerColumn;
        var code = column is null ? -1 : column.CodeOf(eventIndex);
        var identity = code >= 0 ? code : _plan.TrackerCounterOf.Length + nameCode;
        if (_stamp[identity] != _rowStamp)
        {
            _stamp[identity] = _rowStamp;
            _distinct++;
        }
        if (code >= 0 && _plan.TrackerCounterOf[code] is var counter and >= 0)
            _valueCount[counter]++;
    }
}
