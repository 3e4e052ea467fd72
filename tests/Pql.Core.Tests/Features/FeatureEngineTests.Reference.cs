using Pql.Core.Features;
using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    /// <summary>
    /// The one-pass evaluator against a naive reading of each definition (filter, window, aggregation) over the raw
    /// log, for every windowed aggregation, at cutoffs that fall mid-day so days straddle window edges.
    /// </summary>
    [Theory]
    [InlineData(EntityKind.Account)]
    [InlineData(EntityKind.User)]
    public void Build_windowed_aggregations_match_a_naive_reading_of_the_definitions(EntityKind entity)
    {
        Aggregation[] generic = [Aggregation.Count, Aggregation.ActiveDays, Aggregation.ActiveUsers, Aggregation.DaysSinceLast, Aggregation.DaysSinceFirst, Aggregation.DaysSinceLastActiveDay];
        var config = FeatureConfig.Default;
        for (var seed = 0; seed < 3; seed++)
        {
            var log = RandomLog.Create(seed: 300 + seed, accounts: 6);
            var store = log.Build();
            var cutoff = T - seed * 11 * Day - 7 * Hour;
            var pool = entity == EntityKind.Account ? store.AccountIds : store.UserIds;
            var ids = pool.Values.ToArray();
            var engine = new FeatureEngine(store, config, null);
            var m = engine.Build(entity, ids.Select(id => pool.Find(id)).ToArray(), Enumerable.Repeat(cutoff, ids.Length).ToArray());
            var checkedColumns = 0;
            foreach (var d in engine.Definitions(entity).Where(d => generic.Contains(d.Aggregation)))
            {
                checkedColumns++;
                for (var r = 0; r < ids.Length; r++)
                {
                    var events = log.Events.Where(e => (entity == EntityKind.Account ? e.Account : e.User) == ids[r]
                        && e.Time <= cutoff && (d.WindowDays == 0 || e.Time > cutoff - d.WindowDays * Day)
                        && d.Filter.Matches(e.Name, config.KindOf(e.Name), e.Product)).ToList();
                    var expected = (float)Naive(d.Aggregation, events, cutoff);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(m.Value(d.Name, r)),
                        $"{d.Name} for {ids[r]} at seed {seed}: expected {expected}, got {m.Value(d.Name, r)}");
                }
            }
            Assert.True(checkedColumns > 40);
        }
    }

    private static double Naive(Aggregation aggregation, List<TestLog.Event> events, long cutoff)
    {
        static long DayOf(long t) => (long)Math.Floor((double)t / Day);
        return aggregation switch
        {
            Aggregation.Count => events.Count,
            Aggregation.ActiveDays => events.Select(e => DayOf(e.Time)).Distinct().Count(),
            Aggregation.ActiveUsers => events.Where(e => e.User is not null).Select(e => e.User).Distinct().Count(),
            Aggregation.DaysSinceLast => events.Count == 0 ? double.NaN : (double)(cutoff - events.Max(e => e.Time)) / Day,
            Aggregation.DaysSinceFirst => events.Count == 0 ? double.NaN : (double)(cutoff - events.Min(e => e.Time)) / Day,
            _ => events.Count == 0 ? double.NaN : DayOf(cutoff) - DayOf(events.Max(e => e.Time)),
        };
    }
}
