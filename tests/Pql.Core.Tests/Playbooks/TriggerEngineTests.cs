using Pql.Core.Playbooks;
using Pql.Core.Scoring;

namespace Pql.Core.Tests.Playbooks;

public sealed class TriggerEngineTests
{
    private static readonly Dictionary<string, string> s_none = [];

    private static TriggerRule Rule(TriggerKind kind, string? tier = null, double threshold = 0, string direction = "up", Dictionary<string, string>? filter = null) =>
        new("t", "conversion", kind, tier, threshold, direction, filter ?? s_none, "p");

    private static IReadOnlyList<FiredTrigger> Fire(TriggerRule rule, EntityScore? before, EntityScore now)
    {
        var previous = before is null ? new Dictionary<string, EntityScore>() : new Dictionary<string, EntityScore> { [before.EntityId] = before };
        return TriggerEngine.Evaluate(Some.Run("run-2", now), previous, [rule], 0);
    }

    [Fact]
    public void Evaluate_unchanged_entity_fires_no_rule()
    {
        var row = Some.Row("acme", 0.7, "high_touch");
        TriggerRule[] rules = [Rule(TriggerKind.TierEntered, "high_touch"), Rule(TriggerKind.ScoreCrosses, threshold: 0.5),
            Rule(TriggerKind.ScoreDelta, threshold: 0.1), Rule(TriggerKind.FirstScored), Rule(TriggerKind.TierLeft, "assisted")];

        var fired = TriggerEngine.Evaluate(Some.Run("run-2", row), new Dictionary<string, EntityScore> { ["acme"] = row }, rules, 0);

        Assert.Empty(fired);
    }

    [Fact]
    public void Evaluate_tier_left_states_old_and_new_tier()
    {
        var fired = Fire(Rule(TriggerKind.TierLeft, "high_touch"), Some.Row("acme", 0.7, "high_touch"), Some.Row("acme", 0.4, "assisted"));

        Assert.Contains("left tier high_touch for assisted; score 0.700 -> 0.400", Assert.Single(fired).Firing.Reason);
    }

    [Fact]
    public void Evaluate_score_crossing_fires_upward_only_by_default()
    {
        var up = Fire(Rule(TriggerKind.ScoreCrosses, threshold: 0.5), Some.Row("a", 0.4, "x"), Some.Row("a", 0.55, "x"));
        var down = Fire(Rule(TriggerKind.ScoreCrosses, threshold: 0.5), Some.Row("a", 0.55, "x"), Some.Row("a", 0.4, "x"));
        var both = Fire(Rule(TriggerKind.ScoreCrosses, threshold: 0.5, direction: "both"), Some.Row("a", 0.55, "x"), Some.Row("a", 0.4, "x"));

        Assert.Contains("rose above 0.5", Assert.Single(up).Firing.Reason);
        Assert.Empty(down);
        Assert.Contains("fell below 0.5", Assert.Single(both).Firing.Reason);
    }

    [Fact]
    public void Evaluate_score_delta_fires_only_at_or_above_the_threshold()
    {
        var small = Fire(Rule(TriggerKind.ScoreDelta, threshold: 0.15), Some.Row("a", 0.4, "x"), Some.Row("a", 0.5, "x"));
        var large = Fire(Rule(TriggerKind.ScoreDelta, threshold: 0.15), Some.Row("a", 0.5, "x"), Some.Row("a", 0.3, "x"));

        Assert.Empty(small);
        Assert.Contains("score moved -0.200", Assert.Single(large).Firing.Reason);
    }

    [Fact]
    public void Evaluate_first_scored_fires_once()
    {
        var first = Fire(Rule(TriggerKind.FirstScored), null, Some.Row("a", 0.4, "x"));
        var again = Fire(Rule(TriggerKind.FirstScored), Some.Row("a", 0.4, "x"), Some.Row("a", 0.45, "x"));

        Assert.Single(first);
        Assert.Empty(again);
    }

    [Fact]
    public void Evaluate_with_attribute_filter_skips_other_segments()
    {
        var rule = Rule(TriggerKind.FirstScored, filter: new() { ["segment"] = "enterprise" });

        var smb = Fire(rule, null, Some.Row("a", 0.4, "x", new Dictionary<string, string> { ["segment"] = "smb" }));
        var ent = Fire(rule, null, Some.Row("a", 0.4, "x", new Dictionary<string, string> { ["segment"] = "enterprise" }));

        Assert.Empty(smb);
        Assert.Single(ent);
    }
}
