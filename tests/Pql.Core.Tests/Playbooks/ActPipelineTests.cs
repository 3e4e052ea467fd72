using System.Text.Json.Nodes;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks.Fakes;
using Pql.Core.Tests.State;

namespace Pql.Core.Tests.Playbooks;

public sealed class ActPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-act-").FullName;
    private readonly SqliteStateStore _store;
    private readonly WebhookFake _fake = new("whsec-act");
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    public ActPipelineTests() => _store = new SqliteStateStore(Path.Combine(_dir, ".pql", "state.db"));

    public void Dispose()
    {
        _store.Dispose();
        _fake.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private PlaybookConfig Config() => PlaybookConfig.Parse(Some.Config(_dir, $$$"""
        triggers:
          - name: entered_high_touch
            goal: conversion
            when: { tier_entered: high_touch }
            playbook: sales_handoff
        playbooks:
          sales_handoff:
            - connector: hook
              action: post
              template: "{{entity_id}} is {{tier}} ({{score}}): {{moved_drivers}}"
        connectors:
          hook: { kind: webhook, url: "{{{_fake.BaseUrl}}}{{{WebhookFake.Path}}}", secret: "${PQL_TEST_WH}" }
        """));

    private static ScoreRun Run(string id, double betaScore, double betaEvents) => Some.Run(id,
        Some.Row("acme", 0.9, "high_touch", null, new Driver("activity.events_7d", 40, 0.3), new Driver("adoption.products_adopted", 3, 0.2)),
        Some.Row("beta", betaScore, betaScore >= 0.6 ? "high_touch" : "assisted", null,
            new Driver("activity.events_7d", betaEvents, betaEvents / 100), new Driver("adoption.products_adopted", 1, 0.05)),
        Some.Row("gamma", 0.1, "nurture"));

    private async Task<(ActPlan Plan, DispatchReport? Report)> Act(ScoreRun run)
    {
        var secrets = Some.Secrets(("PQL_TEST_WH", "whsec-act"));
        var pipeline = new ActPipeline(_store, _store, Config(), _clock);
        return await pipeline.ActAsync(run, dryRun: false, StateStoreSync.Tester, Some.Context(secrets, TimeProvider.System, _dir));
    }

    [Fact]
    public async Task Act_twice_on_unchanged_scores_fires_nothing_the_second_time()
    {
        var first = await Act(Run("run-1", 0.4, 5));
        var second = await Act(Run("run-2", 0.4, 5));

        Assert.Equal(["acme"], first.Plan.Fired.Select(f => f.Row.EntityId));
        Assert.Empty(second.Plan.Fired);
        Assert.Empty(second.Plan.Actions);
        Assert.Single(_fake.Applied);
        Assert.Equal(2, _store.Runs("conversion").Count);
    }

    [Fact]
    public async Task Act_after_one_entity_changes_tier_fires_exactly_its_play_naming_the_moved_drivers()
    {
        await Act(Run("run-1", 0.4, 5));

        var (plan, report) = await Act(Run("run-2", 0.75, 60));

        var fired = Assert.Single(plan.Fired);
        Assert.Equal("beta", fired.Row.EntityId);
        Assert.Contains("entered tier high_touch from assisted", fired.Firing.Reason);
        Assert.Contains("activity.events_7d +0.550", fired.Firing.Reason);
        var data = JsonNode.Parse(fired.Firing.DataJson)!;
        Assert.Equal("assisted", (string?)data["old_tier"]);
        Assert.Equal("activity.events_7d", (string?)data["moved_drivers"]![0]!["feature"]);
        Assert.Equal(1, report!.Delivered);
        var log = _store.TriggerLog("conversion", "run-2");
        Assert.Equal("beta", Assert.Single(log).EntityId);
        Assert.Equal(2, _fake.Applied.Count);
    }

    [Fact]
    public async Task Record_as_dry_run_stores_nothing()
    {
        var plan = await new ActPipeline(_store, _store, Config(), _clock).RecordAsync(Run("run-1", 0.4, 5), dryRun: true, StateStoreSync.Tester);

        Assert.Single(plan.Actions);
        Assert.Empty(_store.Runs("conversion"));
        Assert.Empty(_store.Outbox());
    }

    [Fact]
    public void Plan_renders_the_template_and_keeps_secrets_out_of_the_payload()
    {
        var plan = new ActPipeline(_store, _store, Config(), _clock).Plan(Run("run-1", 0.4, 5), new Dictionary<string, EntityScore>());

        var payload = JsonNode.Parse(Assert.Single(plan.Actions).PayloadJson)!;
        Assert.StartsWith("acme is high_touch (0.90): ", (string?)payload["message"]);
        Assert.DoesNotContain("whsec-act", plan.Actions[0].PayloadJson);
    }
}
