using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Features.Sql;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features;

/// <summary>The metric family: values from whole days before the cutoff's day, pooled rare names, user rows, SQL refusal.</summary>
public sealed class MetricFamilyTests
{
    private const int CutoffDay = 100;
    private static readonly long Cutoff = CutoffDay * Duration.MsPerDay + 12 * 3_600_000L; // midday: the cutoff's day is unfinished
    private static readonly FeatureConfig Config = FeatureConfig.Default with { MinMetricRows = 5 };

    /// <summary>
    /// acme: api_calls = 2 * day on days 80..99 (account rows), minutes of user ann = 1 on days 95..99 plus 2 of user bob on day 99,
    /// and a rare metric (pooled). <paramref name="future"/> adds rows on the cutoff's day and after, and changes nothing before.
    /// </summary>
    private static EventStore Store(bool future)
    {
        var b = new EventStoreBuilder();
        var acme = b.AddAccount("acme", 0);
        var ann = b.AddUser("ann", acme, 0);
        var bob = b.AddUser("bob", acme, 0);
        b.AddEvent(acme, ann, 5 * Duration.MsPerDay, b.EventNames.GetOrAdd("login"), -1);
        var api = b.MetricNames.GetOrAdd("api_calls");
        var minutes = b.MetricNames.GetOrAdd("minutes");
        var rare = b.MetricNames.GetOrAdd("exports");
        for (var day = 80; day < CutoffDay; day++)
            b.AddMetric(acme, -1, day, api, 2 * day);
        for (var day = 95; day < CutoffDay; day++)
            b.AddMetric(acme, ann, day, minutes, 1);
        b.AddMetric(acme, bob, 99, minutes, 2);
        b.AddMetric(acme, -1, 50, rare, 7);
        if (future)
        {
            b.AddMetric(acme, -1, CutoffDay, api, 1e6);
            b.AddMetric(acme, -1, CutoffDay + 3, api, -5);
            b.AddMetric(acme, ann, CutoffDay, minutes, 1e6);
            b.AddMetric(acme, -1, CutoffDay + 1, rare, 1e6);
            b.AddMetric(acme, -1, CutoffDay + 1, b.MetricNames.GetOrAdd("newcomer"), 1);
        }
        return b.Build();
    }

    private static Dictionary<string, float> Row(EventStore store, EntityKind entity, int code)
    {
        var engine = new FeatureEngine(store, Config, null, FeatureFamilies.Metric);
        var m = engine.Build(entity, [code], [Cutoff]);
        return m.Columns.ToDictionary(c => c.Name, c => c.Values[0]);
    }

    [Fact]
    public void Sums_means_trends_and_last_values_read_only_whole_days_before_the_cutoffs_day()
    {
        var row = Row(Store(future: false), EntityKind.Account, 0);

        // api_calls: 7d window = days 93..99.
        Assert.Equal(2f * (93 + 94 + 95 + 96 + 97 + 98 + 99), row["metric.api_calls.sum_7d"]);
        Assert.Equal(2f * 96, row["metric.api_calls.mean_7d"]);
        Assert.Equal(2f, row["metric.api_calls.trend_30d"], 4);
        Assert.Equal(2f * (80 + 99) * 20 / 2, row["metric.api_calls.sum_90d"]);
        Assert.Equal(198f, row["metric.api_calls.last"]);
        Assert.Equal(1f, row["metric.api_calls.days_since_last"]);
        // minutes: an account's daily value adds its users' rows (day 99: ann 1 + bob 2).
        Assert.Equal(7f, row["metric.minutes.sum_7d"]);
        Assert.Equal(3f, row["metric.minutes.last"]);
        // The rare metric (1 row) is pooled; day 50 is outside 7 and 30 days but inside 90.
        Assert.Equal(0f, row["metric.other_metrics.sum_30d"]);
        Assert.True(float.IsNaN(row["metric.other_metrics.mean_30d"]));
        Assert.Equal(7f, row["metric.other_metrics.sum_90d"]);
        Assert.True(float.IsNaN(row["metric.other_metrics.trend_90d"])); // one day: no slope
        Assert.Equal(50f, row["metric.other_metrics.days_since_last"]);
    }

    [Fact]
    public void Rows_on_the_cutoffs_day_or_later_change_nothing_at_the_cutoff()
    {
        var before = Row(Store(future: false), EntityKind.Account, 0);
        var after = Row(Store(future: true), EntityKind.Account, 0);

        Assert.NotEmpty(before);
        foreach (var (name, value) in before)
            Assert.True(value.Equals(after[name]), $"{name}: {value} became {after[name]}");
    }

    [Fact]
    public void A_users_features_read_only_its_own_rows()
    {
        var store = Store(future: false);

        var ann = Row(store, EntityKind.User, store.UserIds.Find("ann"));
        var bob = Row(store, EntityKind.User, store.UserIds.Find("bob"));

        Assert.Equal(5f, ann["metric.minutes.sum_7d"]);
        Assert.Equal(2f, bob["metric.minutes.sum_7d"]);
        Assert.Equal(0f, ann["metric.api_calls.sum_7d"]); // account rows are not a user's
    }

    [Fact]
    public void Without_a_metrics_table_the_family_has_no_columns()
    {
        var b = new EventStoreBuilder();
        var a = b.AddAccount("acme", 0);
        b.AddEvent(a, -1, Duration.MsPerDay, b.EventNames.GetOrAdd("login"), -1);

        var catalogue = new FeatureCatalogue(b.Build(), Config, null);

        Assert.DoesNotContain(catalogue.Account, d => d.Family == FeatureFamilies.Metric);
    }

    [Fact]
    public void The_sql_engines_list_the_metric_family_as_unsupported_with_the_reason()
    {
        var store = Store(future: false);
        var catalogue = new FeatureCatalogue(store, Config, null);

        var plan = new SqlFeaturePlan(catalogue, EntityKind.Account, store, ["login"], SqlDialect.DuckDb, null);

        var metric = plan.Unsupported.Where(u => u.Definition.Family == FeatureFamilies.Metric).ToList();
        Assert.Equal(catalogue.Account.Count(d => d.Family == FeatureFamilies.Metric), metric.Count);
        Assert.All(metric, u => Assert.Contains("the metric family reads the metrics table (data.metrics), which the SQL engines do not load", u.Reason));
        Assert.DoesNotContain(plan.Columns, d => d.Family == FeatureFamilies.Metric);
    }
}
