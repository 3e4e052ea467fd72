namespace Pql.Core.Features;

internal sealed partial class RowSketch
{
    private void Finish()
    {
        var plan = _plan;
        var allUserSlot = plan.AllSlot >= 0 ? plan.UserSlotOf[plan.AllSlot] : -1;
        for (var us = 0; us < plan.UserSlotCount; us++)
        {
            var offset = us * plan.MaxLocalUsers;
            for (var local = 0; local < _nLocal; local++)
            {
                var lv = _userLevel[offset + local];
                if (lv == 0)
                    continue;
                _userHist[us * _levels + lv - 1]++;
                if (us == allUserSlot)
                    _seen[local] = true;
                _userLevel[offset + local] = 0;
            }
        }
        _adoptedCount = FeatureFormulas.AdoptionOrder(_pFirst, _adopted);
    }

    private void Reset()
    {
        Array.Clear(_count);
        Array.Clear(_days);
        Array.Fill(_lastDay, None);
        Array.Fill(_first, None);
        Array.Fill(_last, None);
        Array.Clear(_userHist);
        Array.Clear(_seen, 0, _nLocal);
        if (_plan.NeedRollup)
        {
            Array.Clear(_uCount, 0, _nLocal * _levels);
            Array.Clear(_uDays, 0, _nLocal * _levels);
            Array.Fill(_uLastDay, None, 0, _nLocal);
        }
        if (_kMax >= 0)
            Array.Clear(_weeks, 0, _kMax + 1);
        _kMax = -1;
        Array.Clear(_weekCount);
        Array.Fill(_pFirst, None);
        Array.Fill(_pLast, None);
        Array.Clear(_valueCount);
        _distinct = 0;
        Array.Clear(_cadDays);
        Array.Clear(_cadMonthEnd);
        Array.Clear(_machine);
        Array.Clear(_human);
        _gaps.Reset();
        _lastHuman = None;
    }

    private int Sum(int[] values, int slot, int level)
    {
        var s = 0;
        var idx = slot * _levels;
        for (var l = 0; l <= level; l++)
            s += values[idx + l];
        return s;
    }

    private static double Days(long from, long to) => FeatureFormulas.Days(from, to);

    private double Value(in CompiledColumn c)
    {
        var t = _cutoff;
        switch (c.Aggregation)
        {
            case Aggregation.Count: return Sum(_count, c.Slot, c.Level);
            case Aggregation.ActiveDays: return Sum(_days, c.Slot, c.Level);
            case Aggregation.ActiveUsers: return Sum(_userHist, _plan.UserSlotOf[c.Slot], c.Level);
            case Aggregation.DaysSinceLast: return Days(_last[c.Slot], t);
            case Aggregation.DaysSinceFirst: return Days(_first[c.Slot], t);
            case Aggregation.DaysSinceLastActiveDay: return FeatureFormulas.DaysSinceLastActiveDay(_lastDay[c.Slot], t);
            case Aggregation.RateRatio: return FeatureFormulas.RateRatio(Sum(_count, c.Slot, c.Level), c.WindowDays, Sum(_count, c.Slot, c.Level2), c.BaselineDays);
            case Aggregation.WeeklySlope: return Slope(c.Parameter);
            case Aggregation.UserMaxCount: return RollUp(_uCount, c.Level, mean: false);
            case Aggregation.UserMeanCount: return RollUp(_uCount, c.Level, mean: true);
            case Aggregation.UserMaxActiveDays: return RollUp(_uDays, c.Level, mean: false);
            case Aggregation.UserMeanActiveDays: return RollUp(_uDays, c.Level, mean: true);
            case Aggregation.ProductsAdopted: return _adoptedCount;
            case Aggregation.AdoptedProductAt: return c.Parameter <= _adoptedCount ? _adopted[c.Parameter - 1] : double.NaN;
            case Aggregation.AdoptionOrder:
            {
                if (_adoptedCount == 0)
                    return double.NaN;
                var code = _plan.OrderCode[_plan.OrderKey(_adopted, Math.Min(_adoptedCount, c.Parameter))];
                return code >= 0 ? code : double.NaN;
            }
            case Aggregation.DaysBetweenAdoptions:
                return c.Parameter <= _adoptedCount ? Days(_pFirst[_adopted[c.Parameter - 2]], _pFirst[_adopted[c.Parameter - 1]]) : double.NaN;
            case Aggregation.DaysSignupToAdoption:
                return c.Parameter <= _adoptedCount ? Days(_signup, _pFirst[_adopted[c.Parameter - 1]]) : double.NaN;
            case Aggregation.AdoptionRank:
            {
                for (var i = 0; i < _adoptedCount; i++)
                {
                    if (_adopted[i] == c.A)
                        return i + 1;
                }
                return double.NaN;
            }
            case Aggregation.WeeksBoth: return c.A is < 0 or >= 63 || c.B is < 0 or >= 63 ? 0 : FeatureFormulas.CountWeeks(_weeks, _kMax, (1UL << c.A) | (1UL << c.B));
            case Aggregation.ActiveWeeks: return FeatureFormulas.CountWeeks(_weeks, _kMax, FeaturePlan.AnyBit);
            case Aggregation.MultiProductWeeks: return FeatureFormulas.MultiWeeks(_weeks, _kMax + 1, _plan.ProductBits);
            case Aggregation.MultiProductWeekShare:
            {
                var active = FeatureFormulas.CountWeeks(_weeks, _kMax, FeaturePlan.AnyBit);
                return active == 0 ? double.NaN : (double)FeatureFormulas.MultiWeeks(_weeks, _kMax + 1, _plan.ProductBits) / active;
            }
            case Aggregation.StreakCurrent: return FeatureFormulas.StreakCurrent(_weeks, _kMax, c.Parameter, _plan.ProductBits);
            case Aggregation.StreakLongest: return FeatureFormulas.LongestStreak(_weeks, _kMax, c.Parameter, _plan.ProductBits);
            case Aggregation.MultiProductShareRecentWeeks: return (double)FeatureFormulas.MultiWeeks(_weeks, Math.Min(c.Parameter, _kMax + 1), _plan.ProductBits) / c.Parameter;
            case Aggregation.ReturnRate: return FeatureFormulas.ReturnRate(_adopted.AsSpan(0, _adoptedCount), _pFirst, _pLast, _cutoff);
            case Aggregation.ActiveWeekShare: return _kMax < 0 ? double.NaN : (double)FeatureFormulas.CountWeeks(_weeks, _kMax, FeaturePlan.AnyBit) / (_kMax + 1);
            case Aggregation.DistinctValues: return _distinct;
            case Aggregation.CountOfValue: return c.A >= 0 ? _valueCount[c.A] : 0;
            case Aggregation.DistinctValuesPerActiveUser:
            {
                var users = Sum(_userHist, _plan.UserSlotOf[_plan.AllSlot], c.Level);
                return users == 0 ? double.NaN : (double)_distinct / users;
            }
            case Aggregation.InviteesActive: return FeatureFormulas.InviteesActive(_plan.Store, AccountUsers(), _seen, _first[c.Slot], t);
            case Aggregation.ActiveUserShare:
            {
                var total = UsersCreated(None);
                return total == 0 ? double.NaN : (double)Sum(_userHist, _plan.UserSlotOf[c.Slot], c.Level) / total;
            }
            case Aggregation.UsersAdded: return UsersCreated(t - (long)c.WindowDays * FeaturePlan.DayMs);
            case Aggregation.UsersTotal: return UsersCreated(None);
            case Aggregation.AttributeValue: return FeatureFormulas.Attribute(c.Attribute, c.OfUser ? _entity : _account);
            case Aggregation.AgeDays:
                return Days(c.OfUser || _plan.Entity == Workspace.EntityKind.Account ? _signup : _plan.Store.AccountCreatedAt[_account], t);
            case Aggregation.MetricSum or Aggregation.MetricMean or Aggregation.MetricTrend or Aggregation.MetricLast or Aggregation.MetricDaysSinceLast:
                return _metrics!.Value(in c);
            default: return AnalystValue(in c);
        }
    }

    /// <summary>The cadence, automation, champion, interaction, reconnect and invite columns.</summary>
    private double AnalystValue(in CompiledColumn c)
    {
        switch (c.Aggregation)
        {
            case Aggregation.Reconnects: return Sum(_count, c.Slot, c.Level) - _distinct;
            case Aggregation.InvitesOutstanding: return FeatureFormulas.InvitesOutstanding(Sum(_count, c.Slot, c.Level), InvitesAccepted(c.Slot));
            case Aggregation.InviteAcceptance: return FeatureFormulas.InviteAcceptance(Sum(_count, c.Slot, c.Level), InvitesAccepted(c.Slot));
            case Aggregation.MeanGapDays: return _gaps.MeanGap;
            case Aggregation.GapVariation: return _gaps.Variation;
            case Aggregation.LongestGapDays: return _gaps.LongestGap;
            case Aggregation.OverdueRatio: return _gaps.Overdue(_cutoff);
            case Aggregation.MonthEndShare: return FeatureFormulas.Share(Sum(_cadMonthEnd, 0, c.Level), Sum(_cadDays, 0, c.Level));
            case Aggregation.RecentActiveWeekShare: return FeatureFormulas.RecentActiveWeekShare(_weeks, _kMax, c.Parameter);
            case Aggregation.WeeklyVariation: return FeatureFormulas.Variation(_weekCount.AsSpan(0, c.Parameter));
            case Aggregation.MachineCount: return Sum(_machine, 0, c.Level);
            case Aggregation.HumanCount: return Sum(_human, 0, c.Level);
            case Aggregation.MachineShare: return FeatureFormulas.MachineShare(Sum(_machine, 0, c.Level), Sum(_human, 0, c.Level));
            case Aggregation.DaysSinceLastHuman: return Days(_lastHuman, _cutoff);
            case Aggregation.UserTopShare: return FeatureFormulas.Share(RollUp(_uCount, c.Level, mean: false), Sum(_count, _plan.AllSlot, c.Level));
            case Aggregation.UserTopDayShare: return FeatureFormulas.Share(RollUp(_uDays, c.Level, mean: false), Sum(_days, _plan.AllSlot, c.Level));
            case Aggregation.PerAttributeUnit: return FeatureFormulas.PerUnit(PerUnitValue(in c), c.Attribute, _account);
            default: throw new InvalidOperationException($"aggregation {c.Aggregation} is not evaluated");
        }
    }

    private int InvitesAccepted(int slot) => FeatureFormulas.InvitesAccepted(_plan.Store, AccountUsers(), _first[slot], _cutoff);

    /// <summary>What a size interaction divides: active users in the window, users created, or events in the window.</summary>
    private double PerUnitValue(in CompiledColumn c) => c.Parameter switch
    {
        0 => Sum(_userHist, _plan.UserSlotOf[_plan.AllSlot], c.Level),
        1 => UsersCreated(None),
        _ => Sum(_count, _plan.AllSlot, c.Level),
    };

    private double Slope(int weeks) => FeatureFormulas.Slope(_weekCount, weeks);

    private double RollUp(int[] values, int level, bool mean)
    {
        for (var local = 0; local < _nLocal; local++)
        {
            _rollValues[local] = Sum(values, local, level);
            _rollCounts[local] = Sum(_uCount, local, level);
        }
        return FeatureFormulas.RollUp(_rollValues.AsSpan(0, _nLocal), _rollCounts.AsSpan(0, _nLocal), mean);
    }

    private ReadOnlySpan<int> AccountUsers()
    {
        int lo = _plan.AccountUserOffsets[_account], hi = _plan.AccountUserOffsets[_account + 1];
        return _plan.AccountUsers.AsSpan(lo, hi - lo);
    }

    private int UsersCreated(long after) => FeatureFormulas.UsersCreated(_plan.Store, AccountUsers(), after, _cutoff);
}
