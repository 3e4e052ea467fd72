namespace Pql.Core.Features.Sql;

/// <summary>
/// The analyst families where the events live: cadence from the per-day query (each active day and its last event time), automation
/// from counts split by who or what sent the event, champion concentration from the per-user query, size interactions, invites. Only
/// integers come back; the values are the in-memory evaluator's formulas (<see cref="FeatureFormulas"/>, <see cref="DayGaps"/>).
/// </summary>
internal sealed partial class SqlFeaturePlan
{
    /// <summary>The per-day query is needed (cadence).</summary>
    public bool NeedDays { get; private set; }

    private Func<SqlRow, double> Analyst(FeatureDefinition d) => d.Aggregation switch
    {
        Aggregation.InvitesOutstanding or Aggregation.InviteAcceptance => Invites(d),
        Aggregation.MeanGapDays or Aggregation.GapVariation or Aggregation.LongestGapDays or Aggregation.OverdueRatio
            or Aggregation.MonthEndShare => Cadence(d),
        Aggregation.RecentActiveWeekShare or Aggregation.WeeklyVariation => Rhythm(d),
        Aggregation.MachineCount or Aggregation.HumanCount or Aggregation.MachineShare or Aggregation.DaysSinceLastHuman => Automation(d),
        Aggregation.UserTopShare or Aggregation.UserTopDayShare => Champion(d),
        _ => PerUnit(d),
    };

    private Func<SqlRow, double> Invites(FeatureDefinition d)
    {
        var f = Predicate(d.Filter);
        var (n, first) = (Measure(new(MeasureKind.Count, f, 0)), Measure(new(MeasureKind.FirstTime, f, 0)));
        var outstanding = d.Aggregation == Aggregation.InvitesOutstanding;
        return r =>
        {
            var invites = (int)r.Measures[n];
            var accepted = FeatureFormulas.InvitesAccepted(Store, r.AccountUsers, invites == 0 ? FeatureFormulas.None : r.Measures[first], r.Cutoff);
            return outstanding ? FeatureFormulas.InvitesOutstanding(invites, accepted) : FeatureFormulas.InviteAcceptance(invites, accepted);
        };
    }

    /// <summary>Gaps between active days (every event, all history) and the month-end share of the active days in the window.</summary>
    private Func<SqlRow, double> Cadence(FeatureDefinition d)
    {
        NeedDays = true;
        switch (d.Aggregation)
        {
            case Aggregation.MeanGapDays: return r => r.Gaps.MeanGap;
            case Aggregation.GapVariation: return r => r.Gaps.Variation;
            case Aggregation.LongestGapDays: return r => r.Gaps.LongestGap;
            case Aggregation.OverdueRatio: return r => r.Gaps.Overdue(r.Cutoff);
        }
        var window = (long)d.WindowDays * FeaturePlan.DayMs;
        var monthEndDays = d.Parameter;
        return r =>
        {
            // A day is in the window when its last event is (the in-memory engine moves a day to the shortest window any of its events is in).
            int days = 0, monthEnd = 0;
            foreach (var (day, last) in r.Days)
            {
                if (window > 0 && last <= r.Cutoff - window)
                    continue;
                days++;
                if (FeatureFormulas.IsMonthEnd(day, monthEndDays))
                    monthEnd++;
            }
            return FeatureFormulas.Share(monthEnd, days);
        };
    }

    /// <summary>Active weeks (week masks) and the variation of weekly counts over every event, as the slope reads them.</summary>
    private Func<SqlRow, double> Rhythm(FeatureDefinition d)
    {
        var n = d.Parameter;
        if (d.Aggregation == Aggregation.RecentActiveWeekShare)
        {
            NeedWeeks = true;
            return r => FeatureFormulas.RecentActiveWeekShare(r.Weeks, r.KMax, n);
        }
        var weeks = WeekCounts(n);
        return r => FeatureFormulas.Variation(WeekValues(r, weeks));
    }

    /// <summary>Machine events: without a user, or with an automated name; human events: the others.</summary>
    private Func<SqlRow, double> Automation(FeatureDefinition d)
    {
        var automated = Dialect.InList(Dialect.E("event"), EventNames.Where(Config.IsAutomated));
        var machine = $"({Dialect.E("user_id")} IS NULL OR {automated})";
        var human = $"({Dialect.E("user_id")} IS NOT NULL AND NOT ({automated}))";
        var w = d.WindowDays;
        switch (d.Aggregation)
        {
            case Aggregation.MachineCount:
            {
                var m = Measure(new(MeasureKind.Count, machine, w));
                return r => r.Measures[m];
            }
            case Aggregation.HumanCount:
            {
                var h = Measure(new(MeasureKind.Count, human, w));
                return r => r.Measures[h];
            }
            case Aggregation.MachineShare:
            {
                var (m, h) = (Measure(new(MeasureKind.Count, machine, w)), Measure(new(MeasureKind.Count, human, w)));
                return r => FeatureFormulas.MachineShare((int)r.Measures[m], (int)r.Measures[h]);
            }
            default:
            {
                var (n, last) = (Measure(new(MeasureKind.Count, human, 0)), Measure(new(MeasureKind.LastTime, human, 0)));
                return r => FeatureFormulas.Days(r.Measures[n] == 0 ? FeatureFormulas.None : r.Measures[last], r.Cutoff);
            }
        }
    }

    /// <summary>The top user's events (or active days) in the window over the entity's.</summary>
    private Func<SqlRow, double> Champion(FeatureDefinition d)
    {
        var (count, days) = UserWindow(d.WindowDays);
        var all = Predicate(EventFilter.All);
        if (d.Aggregation == Aggregation.UserTopShare)
        {
            var total = Measure(new(MeasureKind.Count, all, d.WindowDays));
            return r => FeatureFormulas.Share(RollUp(r, count, count, mean: false), r.Measures[total]);
        }
        var activeDays = Measure(new(MeasureKind.ActiveDays, all, d.WindowDays));
        return r => FeatureFormulas.Share(RollUp(r, days, count, mean: false), r.Measures[activeDays]);
    }

    /// <summary>Active users in the window, users created, or events in the window, per unit of the account's size attribute.</summary>
    private Func<SqlRow, double> PerUnit(FeatureDefinition d)
    {
        var size = Store.AccountAttribute(d.Key!);
        var all = Predicate(EventFilter.All);
        switch (d.Parameter)
        {
            case 0:
            {
                var m = Measure(new(MeasureKind.ActiveUsers, all, d.WindowDays));
                return r => FeatureFormulas.PerUnit(r.Measures[m], size, r.Account);
            }
            case 1:
                return r => FeatureFormulas.PerUnit(FeatureFormulas.UsersCreated(Store, r.AccountUsers, FeatureFormulas.None, r.Cutoff), size, r.Account);
            default:
            {
                var m = Measure(new(MeasureKind.Count, all, d.WindowDays));
                return r => FeatureFormulas.PerUnit(r.Measures[m], size, r.Account);
            }
        }
    }

    /// <summary>The measures of every event's count in each of the last <paramref name="weeks"/> weeks (0 = the cutoff's).</summary>
    private int[] WeekCounts(int weeks)
    {
        var all = Predicate(EventFilter.All);
        var measures = new int[weeks];
        for (var k = 0; k < weeks; k++)
            measures[k] = Measure(new(MeasureKind.WeekCount, all, 0, k));
        return measures;
    }

    private static int[] WeekValues(SqlRow r, int[] weeks)
    {
        var counts = new int[weeks.Length];
        for (var k = 0; k < weeks.Length; k++)
            counts[k] = (int)r.Measures[weeks[k]];
        return counts;
    }
}
