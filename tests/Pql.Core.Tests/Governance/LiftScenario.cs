using System.Globalization;
using System.Text;
using Pql.Cli;

namespace Pql.Core.Tests.Governance;

/// <summary>
/// The closed-loop scenario on the demo world, step by step as docs/GOVERNANCE.md lists it: generate a world whose last month is the
/// "future", point a webhook playbook with a 10% holdout at the conversion goal's first scoring, train and act as of a month before the
/// data ends, score again at the end, then report. Used by the scenario test; each step is the CLI command a person would type.
/// </summary>
internal static class LiftScenario
{
    public const string ActAsOf = "2026-09-29";
    public const string LaterAsOf = "2026-10-31";
    public const string SecretVariable = "PQL_SCENARIO_WH";

    public static string Pql(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        Assert.True(code == 0, $"pql {string.Join(' ', args)} exited {code}: {error}{output}");
        return output.ToString();
    }

    /// <summary>Replaces the generator's playbook sections with a webhook playbook that holds out 10% of the accounts it fires for.</summary>
    public static void WriteConfig(string world, string hookUrl)
    {
        var kept = new StringBuilder();
        var skipping = false;
        string[] replaced = ["triggers:", "playbooks:", "connectors:"];
        foreach (var line in File.ReadAllLines(Path.Combine(world, "pql.yaml")))
        {
            if (line.Length > 0 && line[0] is not (' ' or '#' or '-'))
                skipping = replaced.Any(r => line.StartsWith(r, StringComparison.Ordinal));
            if (!skipping)
                kept.AppendLine(line);
        }
        kept.Append(CultureInfo.InvariantCulture, $$$"""

            triggers:
              - name: newly_scored
                goal: conversion
                when: { first_scored: true }
                playbook: outreach
            playbooks:
              outreach:
                holdout: 0.1
                steps:
                  - { connector: hook, action: post, template: "{{entity_id}} is {{tier}}" }
            connectors:
              hook: { kind: webhook, url: "{{{hookUrl}}}", secret: "${{{SecretVariable}}}" }

            """);
        File.WriteAllText(Path.Combine(world, "pql.yaml"), kept.ToString());
    }
}
