using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    public static TheoryData<string, EntityKind> FamiliesAndEntities()
    {
        var data = new TheoryData<string, EntityKind>();
        foreach (var family in FeatureFamilyNames.Each)
        {
            data.Add(family.ToString(), EntityKind.Account);
            if (family is not (FeatureFamilies.Champion or FeatureFamilies.Interaction)) // account-level only
                data.Add(family.ToString(), EntityKind.User);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FamiliesAndEntities))]
    public void Build_family_ignores_any_change_after_the_cutoff(string familyName, EntityKind entity)
    {
        var family = Enum.Parse<FeatureFamilies>(familyName);
        long[] offsets = [0, -17 * Day - 5 * Hour, -45 * Day + 3 * Hour];
        for (var seed = 0; seed < offsets.Length; seed++)
        {
            var cutoff = T + offsets[seed];
            var log = RandomLog.Create(seed: 100 + seed);
            var before = log.Build();
            var after = RandomLog.PerturbAfter(log, cutoff, seed: 200 + seed).Build();

            var expected = BuildAll(before, entity, family, cutoff);
            var actual = BuildAll(after, entity, family, cutoff);

            Assert.NotEmpty(expected.Columns);
            Assert.Equal(expected.RowCount, actual.RowCount);
            foreach (var column in expected.Columns)
            {
                var other = actual.IndexOf(column.Name);
                Assert.True(other >= 0, $"{column.Name} is missing after the perturbation");
                for (var r = 0; r < expected.RowCount; r++)
                {
                    var want = Decode(column, r);
                    var got = Decode(actual.Columns[other], r);
                    Assert.True(want == got, $"{column.Name} row {r} (seed {seed}): {want} before, {got} after changing events after the cutoff");
                }
            }
        }
    }

    [Fact]
    public void Pooled_event_names_ignore_any_change_after_the_cutoff()
    {
        var pooled = FeatureConfig.Default with { MinEventNameCount = int.MaxValue };
        var cutoff = T - 17 * Day;
        var log = RandomLog.Create(seed: 7);
        var expected = BuildAll(log.Build(), EntityKind.Account, FeatureFamilies.EventName, cutoff, pooled);
        var actual = BuildAll(RandomLog.PerturbAfter(log, cutoff, seed: 8).Build(), EntityKind.Account, FeatureFamilies.EventName, cutoff, pooled);

        Assert.Equal(["event.other_names.count_7d", "event.other_names.count_30d", "event.other_names.count_90d", "event.other_names.days_since_last"],
            expected.Columns.Select(c => c.Name));
        for (var c = 0; c < expected.ColumnCount; c++)
            Assert.Equal(expected.Columns[c].Values, actual.Columns[c].Values);
        Assert.Contains(expected.Columns[0].Values, v => v > 0);
    }

    /// <summary>Every original entity (by id, so rows match across the two stores) at the cutoff.</summary>
    private static FeatureMatrix BuildAll(EventStore store, EntityKind entity, FeatureFamilies family, long cutoff, FeatureConfig? pinned = null)
    {
        var pool = entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var ids = pool.Values.Where(id => !id.EndsWith("late", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var codes = ids.Select(id => pool.Find(id)).ToArray();
        // The event family's vocabulary (which names get columns, which are pooled) is read from the whole store like
        // the product list; fixing it here checks that the values read nothing after the cutoff.
        var config = pinned ?? FeatureConfig.Default with { MinEventNameCount = 0, MaxEventNames = 1000, MinMetricRows = 0, MaxMetricNames = 1000 };
        var engine = new FeatureEngine(store, config, null, family);
        return engine.Build(entity, codes, Enumerable.Repeat(cutoff, codes.Length).ToArray());
    }

    /// <summary>The bit pattern of a numeric value, or the level name of a categorical one.</summary>
    private static string Decode(FeatureColumn column, int row)
    {
        var v = column.Values[row];
        if (column.Kind == FeatureKind.Categorical)
            return float.IsNaN(v) ? "(missing)" : column.Levels[(int)v];
        return BitConverter.SingleToInt32Bits(v).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
