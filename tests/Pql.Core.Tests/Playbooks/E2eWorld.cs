using System.Globalization;
using System.Text;

namespace Pql.Core.Tests.Playbooks;

/// <summary>The workspace the end-to-end CLI tests share: a generated world whose config sends a webhook on entering high_touch.</summary>
internal static class E2eWorld
{
    /// <summary>Points a generated world at a webhook: the rules model (more adoption, higher score), two tiers, one trigger and its play.</summary>
    public static void WriteConfig(string world, string hookUrl)
    {
        var lines = File.ReadAllLines(Path.Combine(world, "pql.yaml"));
        var kept = new StringBuilder();
        var skipping = false;
        string[] replaced = ["training:", "tiers:", "triggers:", "playbooks:", "connectors:"];   // the generator may write its own
        foreach (var line in lines)
        {
            if (line.Length > 0 && line[0] is not (' ' or '#' or '-'))
                skipping = replaced.Any(r => line.StartsWith(r, StringComparison.Ordinal));
            if (skipping)
                continue;
            kept.AppendLine(line.StartsWith("  events: events.csv.gz", StringComparison.Ordinal) ? "  events: [events.csv.gz, extra.csv]" : line);
        }
        kept.Append(CultureInfo.InvariantCulture, $$$"""

            training:
              model: rules
            tiers:
              default: { high_touch: 0.5, assisted: 0.2 }
            triggers:
              - name: entered_high_touch
                goal: conversion
                when: { tier_entered: high_touch }
                playbook: handoff
            playbooks:
              handoff:
                - { connector: hook, action: post, template: "{{entity_id}} is {{tier}}: {{moved_drivers}}" }
            connectors:
              hook: { kind: webhook, url: "{{{hookUrl}}}", secret: "${PQL_E2E_WH}" }

            """);
        File.WriteAllText(Path.Combine(world, "pql.yaml"), kept.ToString());
    }
}
