using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Playbooks;

public sealed class TierNamesPerGoalTests : IDisposable
{
    private const string ChurnGoal = """
          churn:
            entity: account
            achieved_when: { inactive_for: 30d }
            horizon: 30d

        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("pql-tiernames-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Trigger(string goal, string tier) => $"""
        triggers:
          - name: t
            goal: {goal}
            when: {"{"} tier_entered: {tier} {"}"}
            playbook: p
        playbooks:
          p:
            - connector: hook
              action: post
              template: "{"{{entity_id}}"}"
        connectors:
          hook: {"{"} kind: slack_webhook, url: "http://127.0.0.1:9/x" {"}"}

        """;

    [Fact]
    public void A_churn_goal_without_tiers_is_at_risk_watch_or_healthy_and_a_growth_goal_keeps_high_touch()
    {
        var config = Some.Config(_dir, ChurnGoal);

        var churn = TierPolicy.Parse(config, "churn");
        var conversion = TierPolicy.Parse(config, "conversion");

        Assert.Equal(["at_risk", "watch", "healthy"], churn.TierNames);
        Assert.Equal(["at_risk", "watch", "healthy"], churn.Assign([0.7, 0.3, 0.1]));
        Assert.Equal(["high_touch", "assisted", "nurture"], conversion.TierNames);
    }

    [Fact]
    public void A_goal_names_its_own_floor_and_existing_maps_keep_nurture()
    {
        var config = Some.Config(_dir, ChurnGoal + "tiers:\n  churn: { critical: 0.8, floor: fine }\n  default: { high_touch: 0.6 }\n");

        Assert.Equal(["critical", "fine"], TierPolicy.Parse(config, "churn").Assign([0.9, 0.2]));
        Assert.Equal(["high_touch", "nurture"], TierPolicy.Parse(config, "conversion").TierNames);
    }

    [Fact]
    public void A_threshold_named_like_the_floor_is_an_error()
    {
        var config = Some.Config(_dir, "tiers:\n  conversion: { top: 0.8, rest: 0.2, floor: rest }\n");

        var ex = Assert.Throws<ConfigException>(() => TierPolicy.Parse(config, "conversion"));

        Assert.Contains("tiers.conversion.rest", ex.Message);
    }

    [Fact]
    public void Triggers_must_name_a_tier_of_their_goal()
    {
        var good = Some.Config(_dir, ChurnGoal + Trigger("churn", "at_risk"));
        Assert.Equal("at_risk", Assert.Single(PlaybookConfig.Parse(good).Triggers).Tier);

        var bad = Some.Config(_dir, ChurnGoal + Trigger("churn", "high_touch"));
        var ex = Assert.Throws<ConfigException>(() => PlaybookConfig.Parse(bad));
        Assert.Contains("tier 'high_touch' is not a tier of goal 'churn' (at_risk, healthy, watch)", ex.Message);
    }
}
