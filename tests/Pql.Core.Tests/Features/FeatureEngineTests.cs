using Pql.Core.Features;
using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed partial class FeatureEngineTests
{
    [Fact]
    public void Build_activity_counts_a_day_straddling_the_window_edge_once()
    {
        // T is 12:00. The 7-day window is (T-7d, T]: an event at T-7d-2h (10:00) is outside, one at T-7d+2h
        // (14:00) the same calendar day is inside. Day T-7d is an active day in both windows, counted once.
        var log = new TestLog()
            .Account("a1", T - 90 * Day).User("u1", "a1", T - 90 * Day).User("u2", "a1", T - 90 * Day)
            .Add("a1", "u1", T - 7 * Day - 2 * Hour, "doc_created", "docs")
            .Add("a1", "u2", T - 7 * Day + 2 * Hour, "doc_created", "docs")
            .Add("a1", "u1", T - 1 * Day, "formula_used", "sheets")
            .Add("a1", "u1", T - 40 * Day, "formula_used", "sheets")
            .Add("a1", "u1", T + 1 * Day, "formula_used", "sheets");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        Assert.Equal(2f, m.Value("activity.events_7d"));
        Assert.Equal(2f, m.Value("activity.active_days_7d"));
        Assert.Equal(3f, m.Value("activity.events_30d"));
        Assert.Equal(2f, m.Value("activity.active_days_30d"));
        Assert.Equal(4f, m.Value("activity.events_90d"));
        Assert.Equal(3f, m.Value("activity.active_days_90d"));
        Assert.Equal(2f, m.Value("activity.active_users_7d"));
        Assert.Equal(1f, m.Value("activity.days_since_last_event"));
        Assert.Equal(40f, m.Value("activity.days_since_first_event"));
        // 7-day rate 2/7 over 30-day rate 3/30 = 20/7.
        Assert.Equal((float)(2.0 / 7 / (3.0 / 30)), m.Value("activity.trend_7d_vs_30d"));
        // Users in 30 days: u1 has 2 events on 2 days, u2 1 event on 1 day.
        Assert.Equal(2f, m.Value("activity.user_events_30d_max"));
        Assert.Equal(1.5f, m.Value("activity.user_events_30d_mean"));
        Assert.Equal(1.5f, m.Value("activity.user_active_days_30d_mean"));
        Assert.Equal(1f, m.Value("product.docs.events_7d"));
        Assert.Equal(1f, m.Value("product.sheets.days_since_last_active_day"));
        Assert.Equal(2f, m.Value("kind.feature_use.events_7d"));
    }

    [Fact]
    public void Build_weekly_slope_is_positive_for_rising_use()
    {
        // Weekly counts over the last 8 weeks: week 0 (x = 0) has 3 events, week 1 (x = -1) has 1, weeks 2-7 none.
        // The least-squares slope of y on x is recomputed below from those counts.
        var log = new TestLog().Account("a1", T - 90 * Day).User("u1", "a1", T - 90 * Day)
            .Add("a1", "u1", Ago(8), "doc_created", "docs")
            .Add("a1", "u1", Ago(1), "doc_created", "docs").Add("a1", "u1", Ago(2), "doc_created", "docs").Add("a1", "u1", Ago(3), "doc_created", "docs");
        double[] y = [3, 1, 0, 0, 0, 0, 0, 0];
        double mx = -3.5, my = 0.5, sxy = 0, sxx = 0;
        for (var k = 0; k < 8; k++)
        {
            sxy += (-k - mx) * (y[k] - my);
            sxx += (-k - mx) * (-k - mx);
        }

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        Assert.Equal((float)(sxy / sxx), m.Value("activity.weekly_slope_8w"));
        Assert.True(m.Value("activity.weekly_slope_8w") > 0);
    }

    [Fact]
    public void Build_rows_follow_the_given_entities_and_cutoffs()
    {
        var store = RandomLog.Create(seed: 1).Build();
        var engine = new FeatureEngine(store, FeatureConfig.Default, null);
        int[] entities = [2, 0, 2];
        long[] cutoffs = [T, T, T - 30 * Day];

        var m = engine.Build(EntityKind.Account, entities, cutoffs);
        var single = engine.Build(EntityKind.Account, [2], [T - 30 * Day]);

        Assert.Equal(3, m.RowCount);
        Assert.Equal(entities, m.RowEntity);
        Assert.Equal(cutoffs, m.RowCutoff);
        for (var c = 0; c < m.ColumnCount; c++)
            Assert.Equal(single.Columns[c].Values[0], m.Columns[c].Values[2]);
    }

    [Fact]
    public void Build_same_store_gives_same_columns_for_train_and_score()
    {
        var store = RandomLog.Create(seed: 2).Build();
        var engine = new FeatureEngine(store, FeatureConfig.Default, null);

        var train = engine.Build(EntityKind.Account, [0, 1], [T - 60 * Day, T - 30 * Day]);
        var score = new FeatureEngine(store, FeatureConfig.Default, null).Build(EntityKind.Account, [3], [T]);

        Assert.Equal(train.Columns.Select(c => c.Name), score.Columns.Select(c => c.Name));
        Assert.Equal(train.ColumnCount, train.Columns.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Build_is_identical_on_one_thread_and_many()
    {
        var store = RandomLog.Create(seed: 3, accounts: 40).Build();
        var entities = Enumerable.Range(0, store.AccountCount).SelectMany(a => new[] { a, a }).ToArray();
        var cutoffs = entities.Select((_, i) => T - (i % 2) * 20 * Day).ToArray();

        var one = new FeatureEngine(store, FeatureConfig.Default, null) { MaxDegreeOfParallelism = 1 }.Build(EntityKind.Account, entities, cutoffs);
        var many = new FeatureEngine(store, FeatureConfig.Default, null) { MaxDegreeOfParallelism = 4 }.Build(EntityKind.Account, entities, cutoffs);

        for (var c = 0; c < one.ColumnCount; c++)
            Assert.Equal(one.Columns[c].Values, many.Columns[c].Values);
    }

    [Fact]
    public void Build_with_activity_family_only_has_only_activity_columns()
    {
        var store = RandomLog.Create(seed: 4).Build();

        var m = new FeatureEngine(store, FeatureConfig.Default, null, FeatureFamilies.Activity).Build(EntityKind.Account, [0], [T]);

        Assert.NotEmpty(m.Columns);
        Assert.All(m.Columns, c => Assert.Equal("activity", c.Family));
        Assert.All(m.Columns, c => Assert.StartsWith("activity.", c.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_firmographics_exclude_listed_and_goal_attributes()
    {
        var log = new TestLog()
            .Account("a1", T - 10 * Day, ("employees", "120"), ("segment", "smb"), ("plan", "paid"), ("converted_at", "2026-02-01"))
            .Account("a2", T - 20 * Day, ("employees", "5"), ("segment", "enterprise"), ("plan", "free"), ("converted_at", ""));
        var workspace = new WorkspaceConfig
        {
            Directory = "/w",
            ConfigPath = "/w/pql.yaml",
            Data = new DataConfig { ExcludeAttributes = ["plan"] },
            Goals = [new GoalDefinition("paid", EntityKind.Account, new AttributeCondition("converted_at"), 30 * Day, 1)],
        };
        var store = log.Build();

        var m = new FeatureEngine(store, FeatureConfig.Default, workspace).Build(EntityKind.Account, [0, 1], [T, T]);

        Assert.Equal(120f, m.Value("firmo.employees"));
        Assert.Equal("enterprise", m.Level("firmo.segment", 1));
        Assert.Equal(10f, m.Value("firmo.account_age_days"));
        Assert.Equal(-1, m.IndexOf("firmo.plan"));
        Assert.Equal(-1, m.IndexOf("firmo.converted_at"));
    }

    [Fact]
    public void Build_rejects_an_entity_code_outside_the_store()
    {
        var store = RandomLog.Create(seed: 5).Build();
        var engine = new FeatureEngine(store, FeatureConfig.Default, null);

        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Build(EntityKind.Account, [store.AccountCount], [T]));
    }

    [Fact]
    public void Build_follows_configured_event_kinds_and_windows()
    {
        // mention_added is declared collaboration; windows 14 and 28 days replace 7/30/90.
        var config = FeatureConfig.Default with
        {
            ExplicitKinds = new Dictionary<string, Pql.Core.Features.EventKind> { ["mention_added"] = Pql.Core.Features.EventKind.Collaboration },
            WindowDays = [14, 28],
        };
        var store = new TestLog()
            .Account("a1", T - 90 * Day).User("u1", "a1", T - 90 * Day)
            .Add("a1", "u1", T - 20 * Day, "mention_added", "docs")
            .Add("a1", "u1", T - 10 * Day, "doc_created", "docs")
            .Build();

        var m = new FeatureEngine(store, config, null).Build(EntityKind.Account, [0], [T]);

        Assert.Equal(1f, m.Value("kind.collaboration.events_28d"));
        Assert.Equal(0f, m.Value("kind.collaboration.events_14d"));
        Assert.Equal(1f, m.Value("activity.events_14d"));
        Assert.Equal(2f, m.Value("activity.events_28d"));
        Assert.Equal(-1, m.IndexOf("activity.events_7d"));
        // Rate per day in 14 days (1/14) over the rate in 28 days (2/28) = 1.
        Assert.Equal(1f, m.Value("activity.trend_14d_vs_28d"));
    }

    [Fact]
    public void Build_firmographics_skip_a_categorical_identifier()
    {
        // 12 accounts, each with its own contact_email (an identifier) and one of two segments.
        var log = new TestLog();
        for (var i = 0; i < 12; i++)
            log.Account($"a{i}", T - 10 * Day, ("contact_email", $"x{i}@example.com"), ("segment", i % 2 == 0 ? "smb" : "enterprise"));

        var m = new FeatureEngine(log.Build(), FeatureConfig.Default, null).Build(EntityKind.Account, [0], [T]);

        Assert.Equal(-1, m.IndexOf("firmo.contact_email"));
        Assert.Equal("smb", m.Level("firmo.segment"));
    }
}
