using Pql.Core.Features;
using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

/// <summary>Hand-computed values of the analyst families (cadence, automation, monetization, champion, interaction, reconnects, invites).</summary>
public sealed partial class FeatureEngineTests
{
    [Fact]
    public void Build_cadence_reads_gaps_between_active_days_month_ends_and_weekly_rhythm()
    {
        // T is 2026-03-01 12:00 UTC. Active days: T-41d (Jan 19), T-31d (Jan 29, month-end), T-21d (Feb 8), T-1d (Feb 28, month-end).
        var log = new TestLog().Account("a1", T - 100 * Day).User("u1", "a1", T - 100 * Day)
            .Add("a1", "u1", T - 41 * Day, "doc_created", "docs")
            .Add("a1", "u1", T - 31 * Day, "doc_created", "docs")
            .Add("a1", "u1", T - 31 * Day + Hour, "doc_created", "docs")
            .Add("a1", "u1", T - 21 * Day, "doc_created", "docs")
            .Add("a1", "u1", T - 1 * Day, "doc_created", "docs")
            .Add("a1", "u1", T + 2 * Day, "doc_created", "docs"); // after the cutoff

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        // Gaps 10, 10, 20 days: mean 40/3, standard deviation sqrt(200 - (40/3)^2) = 4.714, so variation sqrt(2)/4.
        Assert.Equal(40.0 / 3, m.Value("cadence.mean_gap_days"), 4);
        Assert.Equal(Math.Sqrt(2) / 4, m.Value("cadence.gap_variation"), 4);
        Assert.Equal(20f, m.Value("cadence.longest_gap_days"));
        // One day since the last active day, against a 13.3-day rhythm.
        Assert.Equal(3.0 / 40, m.Value("cadence.overdue_ratio"), 5);
        Assert.Equal(0.5f, m.Value("cadence.month_end_share_90d"));
        // Weeks 0, 3, 4 and 5 before T are active: counts [1,0,0,1,2,1,0,0], mean 5/8, mean square 7/8.
        Assert.Equal(0.5f, m.Value("cadence.active_week_share_8w"));
        var mean = 5.0 / 8;
        Assert.Equal(Math.Sqrt(7.0 / 8 - mean * mean) / mean, m.Value("cadence.weekly_variation_8w"), 4);
    }

    [Fact]
    public void Build_cadence_is_missing_with_a_single_active_day()
    {
        var log = new TestLog().Account("a1", T - 10 * Day).User("u1", "a1", T - 10 * Day)
            .Add("a1", "u1", T - 9 * Day, "doc_created", "docs").Add("a1", "u1", T - 9 * Day + Hour, "doc_edited", "docs");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        Assert.True(float.IsNaN(m.Value("cadence.mean_gap_days")));
        Assert.True(float.IsNaN(m.Value("cadence.overdue_ratio")));
        Assert.Equal(0f, m.Value("cadence.month_end_share_90d"));
    }

    [Fact]
    public void Build_automation_separates_machine_events_from_human_ones()
    {
        var log = new TestLog().Account("a1", T - 100 * Day).User("u1", "a1", T - 100 * Day)
            .Add("a1", "u1", T - 40 * Day, "doc_edited", "docs") // outside 30 days
            .Add("a1", null, T - 3 * Day, "doc_edited", "docs") // no user: machine
            .Add("a1", "u1", T - 4 * Day, "workflow_run", "automations") // automated name
            .Add("a1", "u1", T - 2 * Day, "doc_edited", "docs")
            .Add("a1", "u1", T - 1 * Day, "workflow_run", "automations")
            .Add("a1", "u1", T + 1 * Day, "doc_edited", "docs"); // after the cutoff

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        Assert.Equal(3f, m.Value("automation.machine_events_30d"));
        Assert.Equal(1f, m.Value("automation.human_events_30d"));
        Assert.Equal(0.75f, m.Value("automation.machine_share_30d"));
        // The automated run a day before T does not make the account look humanly active.
        Assert.Equal(2f, m.Value("automation.days_since_last_human_event"));
    }

    [Fact]
    public void Build_monetization_counts_limit_and_pricing_events_by_type_and_only_when_present()
    {
        var log = new TestLog().Account("a1", T - 100 * Day).User("u1", "a1", T - 100 * Day)
            .Add("a1", "u1", T - 50 * Day, "plan_limit_reached")
            .Add("a1", "u1", T - 5 * Day, "plan_limit_reached")
            .Add("a1", "u1", T - 3 * Day, "pricing_viewed")
            .Add("a1", "u1", T + 1 * Day, "plan_limit_reached");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        Assert.Equal(1f, m.Value("monetization.limit.events_30d"));
        Assert.Equal(2f, m.Value("monetization.limit.events_total"));
        Assert.Equal(5f, m.Value("monetization.limit.days_since_last"));
        Assert.Equal(1f, m.Value("monetization.pricing.events_30d"));
        Assert.Equal(3f, m.Value("monetization.pricing.days_since_last"));

        var plain = new TestLog().Account("a1", T - 10 * Day).User("u1", "a1", T - 10 * Day).Add("a1", "u1", T - Day, "doc_created", "docs");
        Assert.DoesNotContain(Matrix(plain.Build(), EntityKind.Account, T, "a1").Columns, c => c.Family == "monetization");
    }

    [Fact]
    public void Build_champion_measures_the_top_users_share_of_events_and_days()
    {
        var log = new TestLog().Account("a1", T - 100 * Day).User("u1", "a1", T - 100 * Day).User("u2", "a1", T - 100 * Day);
        for (var d = 1; d <= 3; d++)
            log.Add("a1", "u1", T - d * Day, "doc_edited", "docs").Add("a1", "u1", T - d * Day - Hour, "doc_edited", "docs");
        log.Add("a1", "u2", T - 1 * Day + Hour, "doc_viewed", "docs").Add("a1", "u2", T - 5 * Day, "doc_viewed", "docs")
            .Add("a1", null, T - 7 * Day, "doc_viewed", "docs")
            .Add("a1", "u2", T + 1 * Day, "doc_viewed", "docs");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        // u1 has 6 of the account's 9 events, on 3 of its 5 active days.
        Assert.Equal(6.0 / 9, m.Value("champion.top_user_event_share_30d"), 5);
        Assert.Equal(0.6f, m.Value("champion.top_user_day_share_30d"));
    }

    [Fact]
    public void Build_interaction_divides_users_and_events_by_company_size()
    {
        var log = new TestLog()
            .Account("a1", T - 100 * Day, ("employees", "50")).User("u1", "a1", T - 100 * Day).User("u2", "a1", T - 90 * Day)
            .User("u3", "a1", T - 10 * Day).User("u4", "a1", T + 1 * Day)
            .Account("a2", T - 100 * Day).User("v1", "a2", T - 100 * Day)
            .Add("a1", "u1", T - 2 * Day, "doc_edited", "docs").Add("a1", "u1", T - 3 * Day, "doc_edited", "docs")
            .Add("a1", "u2", T - 4 * Day, "doc_edited", "docs").Add("a1", "u2", T - 5 * Day, "doc_edited", "docs")
            .Add("a1", "u2", T - 6 * Day, "doc_edited", "docs").Add("a1", "u4", T + 2 * Day, "doc_edited", "docs")
            .Add("a2", "v1", T - 2 * Day, "doc_edited", "docs");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1", "a2");

        Assert.Equal(2f / 50, m.Value("interaction.active_users_per_employees_30d"));
        Assert.Equal(3f / 50, m.Value("interaction.users_per_employees"));
        Assert.Equal(5f / 50, m.Value("interaction.events_per_employees_30d"));
        Assert.True(float.IsNaN(m.Value("interaction.users_per_employees", 1)), "no size, no ratio");
    }

    [Fact]
    public void Build_reconnects_and_outstanding_invites_match_hand_computed_values()
    {
        var log = new TestLog().Account("a1", T - 100 * Day).User("u1", "a1", T - 100 * Day)
            .User("u2", "a1", T - 25 * Day).User("u3", "a1", T - 20 * Day).User("u4", "a1", T + 1 * Day)
            .Add("a1", "u1", T - 40 * Day, "integration_added", integration: "slack")
            .Add("a1", "u1", T - 20 * Day, "integration_added", integration: "slack")
            .Add("a1", "u1", T - 10 * Day, "integration_added", integration: "github")
            .Add("a1", "u1", T + 1 * Day, "integration_added", integration: "github")
            .Add("a1", "u1", T - 30 * Day, "user_invited").Add("a1", "u1", T - 29 * Day, "user_invited").Add("a1", "u1", T - 28 * Day, "user_invited")
            .Add("a1", "u1", T + 1 * Day, "user_invited");

        var m = Matrix(log.Build(), EntityKind.Account, T, "a1");

        // slack twice and github once: one reconnect. Three invites, two users joined after the first (u4 joins after T).
        Assert.Equal(1f, m.Value("integration.reconnects"));
        Assert.Equal(1f, m.Value("collaboration.invites_outstanding"));
        Assert.Equal(2.0 / 3, m.Value("collaboration.invite_acceptance"), 5);
    }

    [Fact]
    public void Excluded_families_leave_the_catalogue()
    {
        var store = RandomLog.Create(seed: 9).Build();
        var config = FeatureConfig.Default with { ExcludedFamilies = FeatureFamilies.Cadence | FeatureFamilies.Champion };

        var catalogue = new FeatureCatalogue(store, config, null);

        Assert.DoesNotContain(catalogue.Account, d => d.Family is FeatureFamilies.Cadence or FeatureFamilies.Champion);
        Assert.Contains(catalogue.Account, d => d.Family == FeatureFamilies.Automation);
    }
}
