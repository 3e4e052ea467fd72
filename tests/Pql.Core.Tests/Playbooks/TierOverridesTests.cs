using System.Text.Json.Nodes;
using Pql.Core.Playbooks;
using Pql.Core.State;

namespace Pql.Core.Tests.Playbooks;

public sealed class TierOverridesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-override-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EntityOverride Override(string entity, string? tier) =>
        new(1, "conversion", entity, tier, "CFO asked for a call", 1_900_000_000_000, "user:alice", 1, OverrideStatus.Active, null, null);

    [Fact]
    public void An_override_changes_the_tier_shows_itself_and_lapses_back_to_the_model_tier()
    {
        var row = Some.Row("a1", 0.2, "nurture");
        var overridden = TierOverrides.Apply(row, Override("a1", "assisted"));
        Assert.Equal(("assisted", 0.2), (overridden.Tier, overridden.Score));
        Assert.Equal("tier assisted", overridden.Attributes[TierOverrides.Override]);
        Assert.Equal("nurture", overridden.Attributes[TierOverrides.ModelTier]);
        Assert.Equal("CFO asked for a call", overridden.Attributes["override_reason"]);

        var lapsed = TierOverrides.Apply(overridden, null);
        Assert.Equal("nurture", lapsed.Tier);
        Assert.False(TierOverrides.IsOverridden(lapsed));
        Assert.Equal(row.Attributes, lapsed.Attributes);
    }

    [Fact]
    public async Task A_suppressed_entity_fires_and_is_logged_as_suppressed_but_gets_no_action_and_an_overridden_tier_fires_its_trigger()
    {
        var config = PlaybookConfig.Parse(Some.Config(_dir, """
            triggers:
              - name: entered_high_touch
                goal: conversion
                when: { tier_entered: high_touch }
                playbook: sales_handoff
            playbooks:
              sales_handoff:
                steps:
                  - connector: hook
                    action: post
                    template: "{{entity_id}}"
            connectors:
              hook: { kind: webhook, url: "http://127.0.0.1:9/hook", secret: "x" }
            """));
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"), TimeProvider.System);
        var until = DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds();
        await store.SetOverridesAsync(new OverrideChange("conversion", ["a1"], null, "in a legal dispute", until), null, Actor.Named("alice"));
        await store.SetOverridesAsync(new OverrideChange("conversion", ["a3"], "high_touch", "champion asked", until), null, Actor.Named("alice"));
        var pipeline = new ActPipeline(store, store, config, TimeProvider.System, store);

        var plan = await pipeline.RecordAsync(Some.Run("run-1", Some.Row("a1", 0.9, "high_touch"), Some.Row("a2", 0.9, "high_touch"), Some.Row("a3", 0.4, "assisted")),
            dryRun: false, Actor.Named("alice"));

        Assert.Equal(["a1", "a2", "a3"], plan.Fired.Select(f => f.Row.EntityId).Order(StringComparer.Ordinal));
        Assert.Equal(["a2", "a3"], plan.Actions.Select(a => a.EntityId).Order(StringComparer.Ordinal));
        var log = await store.TriggerLogAsync("conversion");
        Assert.True((bool?)JsonNode.Parse(log.Single(f => f.EntityId == "a1").DataJson)!["suppressed"]);
        var stored = (await store.LatestScoresAsync("conversion"))["a3"];
        Assert.Equal(("high_touch", "assisted"), (stored.Tier, stored.Attributes[TierOverrides.ModelTier]));
    }
}
