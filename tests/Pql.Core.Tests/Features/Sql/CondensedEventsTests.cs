using Pql.Core.Features;
using Pql.Core.Features.Sql;

namespace Pql.Core.Tests.Features.Sql;

/// <summary>Which times of day split the condensed events' days: each cutoff's, once, except the day's last millisecond.</summary>
public sealed class CondensedEventsTests
{
    [Fact]
    public void A_cutoff_at_the_last_millisecond_of_a_day_splits_no_day()
    {
        const long day = FeaturePlan.DayMs;
        Assert.Empty(CondensedEvents.Splits([100 * day - 1, 130 * day - 1]));
        Assert.Equal("t // 86400000", CondensedEvents.TimeKeys("t", []));
    }

    [Fact]
    public void Cutoffs_at_other_times_of_day_split_there_once_each_in_order()
    {
        const long day = FeaturePlan.DayMs, hour = day / 24;
        var splits = CondensedEvents.Splits([100 * day + 5 * hour, 90 * day + 5 * hour, 80 * day, 70 * day + 2 * hour, 60 * day - 1]);
        Assert.Equal([0, 2 * hour, 5 * hour], splits);
        // The side of each split is part of the key: an event at 03:00 and one at 06:00 of the same day are two groups.
        Assert.Equal(3, CondensedEvents.TimeKeys("t", splits).Split("CASE WHEN").Length - 1);
    }
}
