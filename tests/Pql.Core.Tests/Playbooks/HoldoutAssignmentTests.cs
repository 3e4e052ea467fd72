using System.Globalization;
using System.Text.Json.Nodes;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;

namespace Pql.Core.Tests.Playbooks;

public sealed class HoldoutAssignmentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-holdout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Id(int i) => "acct-" + i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void About_the_configured_share_is_held_out_within_binomial_bounds_and_the_draw_is_stable()
    {
        const int N = 20_000;
        var held = 0;
        for (var i = 0; i < N; i++)
        {
            if (HoldoutAssignment.IsHeldOut(Id(i), "sales_handoff", 0.1))
                held++;
        }

        // Binomial(20000, 0.1): mean 2000, sd 42.4; 4.5 sd either side.
        Assert.InRange(held, 1809, 2191);
        Assert.Equal(HoldoutAssignment.IsHeldOut("acct-7", "sales_handoff", 0.1), HoldoutAssignment.IsHeldOut("acct-7", "sales_handoff", 0.1));
        Assert.False(HoldoutAssignment.IsHeldOut("acct-7", "sales_handoff", 0));
    }

    [Fact]
    public void Two_playbooks_draw_independent_control_groups()
    {
        const int N = 20_000;
        var both = 0;
        for (var i = 0; i < N; i++)
        {
            if (HoldoutAssignment.IsHeldOut(Id(i), "sales_handoff", 0.1) && HoldoutAssignment.IsHeldOut(Id(i), "nurture_email", 0.1))
                both++;
        }

        // Independent draws: Binomial(20000, 0.01), mean 200, sd 14.1; 4.5 sd either side. The same draw would give about 2000.
        Assert.InRange(both, 137, 263);
    }

    [Fact]
    public void Held_out_entities_fire_and_are_logged_as_held_out_but_get_no_action()
    {
        var config = PlaybookConfig.Parse(Some.Config(_dir, """
            triggers:
              - name: entered_high_touch
                goal: conversion
                when: { tier_entered: high_touch }
                playbook: sales_handoff
            playbooks:
              sales_handoff:
                holdout: 0.3
                steps:
                  - connector: hook
                    action: post
                    template: "{{entity_id}}"
            connectors:
              hook: { kind: webhook, url: "http://127.0.0.1:9/hook", secret: "x" }
            """));
        var rows = Enumerable.Range(0, 400).Select(i => Some.Row(Id(i), 0.9, "high_touch")).ToArray();
        var pipeline = new ActPipeline(null!, null!, config, TimeProvider.System);

        var plan = pipeline.Plan(Some.Run("run-1", rows), new Dictionary<string, EntityScore>());

        var heldOut = plan.Fired.Where(f => (bool?)JsonNode.Parse(f.Firing.DataJson)!["held_out"] == true).Select(f => f.Row.EntityId).ToHashSet();
        var expected = rows.Where(r => HoldoutAssignment.IsHeldOut(r.EntityId, "sales_handoff", 0.3)).Select(r => r.EntityId).ToHashSet();
        Assert.Equal(400, plan.Fired.Count);
        Assert.Equal(expected, heldOut);
        Assert.InRange(heldOut.Count, 80, 160);   // Binomial(400, 0.3): mean 120, sd 9.2
        Assert.Equal(400 - heldOut.Count, plan.Actions.Count);
        Assert.DoesNotContain(plan.Actions, a => heldOut.Contains(a.EntityId));
    }
}
